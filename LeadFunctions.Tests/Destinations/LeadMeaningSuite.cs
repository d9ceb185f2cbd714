using System.Text.Json.Nodes;
using LeadFunctions.Destinations;

namespace LeadFunctions.Tests.Destinations;

/// <summary>
/// What a lead means arrives in every CRM as the customer wrote it, against the CRM's strict fake: the part of each
/// CRM's LeadMeaningTests that is the same for all of them. A subclass per CRM names its fields and the record a lead
/// became; what only one CRM does (do-not-contact, campaign fields, fallbacks) stays in that CRM's class.
/// </summary>
public abstract class LeadMeaningSuite<TFake, TDestination> : CrmSuite<TFake, TDestination>
    where TFake : LoopbackFake
    where TDestination : ILeadDestination
{
    /// <summary>The CRM's names for the fields every CRM fills from a lead.</summary>
    protected abstract CrmFields Fields { get; }

    /// <summary>What else a CRM fills from <see cref="TestLeads.InScript"/>'s lead (its country, title or subject).</summary>
    protected abstract void AssertTheRestOfTheScriptLead(JsonObject record);

    [Theory]
    [MemberData(nameof(TestLeads.Scripts), MemberType = typeof(TestLeads))]
    public async Task A_lead_in_any_script_arrives_as_the_customer_wrote_it(string first, string last, string company, string description)
    {
        var record = await DeliverAsync(TestLeads.InScript(first, last, company, description));

        Assert.Equal(first, Text(record, Fields.FirstName));
        Assert.Equal(last, Text(record, Fields.LastName));
        Assert.Equal(company, Text(record, Fields.Company));
        AssertTheRestOfTheScriptLead(record);
        Assert.EndsWith("\n\n" + description, Text(record, Fields.Description), StringComparison.Ordinal);
    }

    /// <summary>Delivers <paramref name="lead"/>, which must be delivered without the fake seeing a violation; returns its record.</summary>
    protected async Task<JsonObject> DeliverAsync(JsonObject lead, Action<Dictionary<string, string?>>? settings = null)
    {
        await using var harness = Harness(settings);
        var delivery = TestLeads.Delivery(lead);

        var outcome = await harness.DeliverAsync(delivery);

        Assert.IsType<DeliveryOutcome.Delivered>(outcome);
        Assert.Empty(Fake.Violations);
        return RecordOf(delivery.LeadId);
    }

    protected static string? Text(JsonObject record, string field) => record[field]?.GetValue<string>();
}

/// <summary>A CRM's names for the fields every CRM fills from a lead.</summary>
public sealed record CrmFields(string FirstName, string LastName, string Company, string Description);
