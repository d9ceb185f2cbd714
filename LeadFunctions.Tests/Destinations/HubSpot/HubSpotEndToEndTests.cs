using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Tests.Destinations;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Destinations.HubSpot;

/// <summary>The exactly-once suite (<see cref="ExactlyOnceSuite{TFake}"/>) for HubSpot, against the strict fake contacts API.</summary>
public sealed class HubSpotEndToEndTests(Azurite azurite, ITestOutputHelper output) : ExactlyOnceSuite<FakeHubSpot>(azurite, output), IClassFixture<Azurite>
{
    protected override int MaxConcurrency => 4;

    protected override int RequestsPerLead => 2; // the read by lead id and the upsert

    protected override Task<FakeHubSpot> StartFakeAsync() => FakeHubSpot.StartAsync();

    protected override Dictionary<string, string?> DestinationSettings() => HubSpotHarness.SettingsFor(Fake);

    protected override JsonObject RecordOf(string leadId) => Fake.ContactWith(FakeHubSpot.LeadIdProperty, leadId);

    /// <summary>The default contact mapping of docs/destinations.md (every value fits HubSpot's 65,536 characters).</summary>
    protected override void AssertRecordMatchesTheMapping(JsonObject record, JsonObject lead, string leadId)
    {
        string? Property(string name) => record[name]?.GetValue<string>();

        Assert.Equal(leadId, Property(FakeHubSpot.LeadIdProperty));
        Assert.Equal($"{Subject(lead)}\n\n{Notes(lead)}", Property("message"));
        if (UserDetail(lead, "Email") is null)
        {
            Assert.Equal("(not provided)", Property("lastname"));
            Assert.Null(Property("firstname"));
            Assert.Null(Property("email"));
            Assert.Equal("US", Property("country"));
            return;
        }

        foreach (var (property, field) in new[] { ("firstname", "FirstName"), ("lastname", "LastName"), ("email", "Email"), ("phone", "Phone"), ("company", "Company"), ("jobtitle", "Title"), ("country", "Country") })
        {
            Assert.Equal(UserDetail(lead, field), Property(property));
        }
    }

    /// <summary>The private app was created without the contacts write scope.</summary>
    protected override void BreakPermanently() => Fake.AnswerEverything =
        (403, "MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.");

    protected override void Fix() => Fake.AnswerEverything = null;

    protected override void AssertPermanentReason(JsonElement reason)
    {
        AssertReason(reason, "HubSpot", 403, "MISSING_SCOPES", "crm.objects.contacts.write");
    }
}
