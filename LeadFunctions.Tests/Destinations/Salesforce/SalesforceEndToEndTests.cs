using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Tests.Destinations;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Destinations.Salesforce;

/// <summary>The exactly-once suite (<see cref="ExactlyOnceSuite{TFake}"/>) for Salesforce, against the strict fake org.</summary>
public sealed class SalesforceEndToEndTests(Azurite azurite, ITestOutputHelper output) : ExactlyOnceSuite<FakeSalesforce>(azurite, output), IClassFixture<Azurite>
{
    protected override int MaxConcurrency => 8;

    protected override int RequestsPerLead => 2; // the lookup and the upsert

    protected override int RequestsPerBrokenLead => 2; // the lookup and the upsert, each answered 404

    protected override int RequestsBesidesLeads => 1; // the token

    protected override Task<FakeSalesforce> StartFakeAsync() => FakeSalesforce.StartAsync();

    protected override Dictionary<string, string?> DestinationSettings() => SalesforceHarness.SettingsFor(Fake);

    protected override JsonObject RecordOf(string leadId) => Fake.LeadWith(FakeSalesforce.ExternalIdField, leadId);

    /// <summary>The default Lead mapping of docs/destinations.md.</summary>
    protected override void AssertRecordMatchesTheMapping(JsonObject record, JsonObject lead, string leadId)
    {
        string? Field(string name) => record[name]?.GetValue<string>();

        Assert.Equal(leadId, Field(FakeSalesforce.ExternalIdField));
        Assert.Equal("Web", Field("LeadSource"));
        Assert.Equal(Cut($"{Subject(lead)}\n\n{Notes(lead)}", 32000), Field("Description"));
        if (UserDetail(lead, "Email") is not { } email)
        {
            Assert.Equal("(not provided)", Field("LastName"));
            Assert.Equal("(not provided)", Field("Company"));
            Assert.Null(Field("FirstName"));
            Assert.Null(Field("Email"));
            Assert.Equal("US", Field("Country"));
            return;
        }

        Assert.Equal(Cut(UserDetail(lead, "FirstName")!, 40), Field("FirstName"));
        Assert.Equal(Cut(UserDetail(lead, "LastName")!, 80), Field("LastName"));
        Assert.Equal(email.Length <= 80 ? email : null, Field("Email")); // a cut address is no address: left out
        Assert.Equal(Cut(UserDetail(lead, "Phone")!, 40), Field("Phone"));
        Assert.Equal(Cut(UserDetail(lead, "Company")!, 255), Field("Company"));
        Assert.Equal(Cut(UserDetail(lead, "Title")!, 128), Field("Title"));
        Assert.Equal(Cut(UserDetail(lead, "Country")!, 80), Field("Country"));
    }

    /// <summary>The admin has not created the external-id field (or the integration user cannot see it).</summary>
    protected override void BreakPermanently() => Fake.Fields.TryRemove(FakeSalesforce.ExternalIdField, out _);

    protected override void Fix() => Fake.Fields[FakeSalesforce.ExternalIdField] = new SalesforceField(SalesforceFieldType.Text, 64, ExternalId: true, Unique: true);

    protected override void AssertPermanentReason(JsonElement reason)
    {
        AssertReason(reason, "Salesforce", 404, "NOT_FOUND",
            $"Provided external ID field does not exist or is not accessible: {FakeSalesforce.ExternalIdField}", "check that the lead-id field exists on Lead");
    }
}
