using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Tests.Destinations;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Destinations.Dataverse;

/// <summary>The exactly-once suite (<see cref="ExactlyOnceSuite{TFake}"/>) for Dataverse, against the strict fake Web API.</summary>
public sealed class DataverseEndToEndTests(Azurite azurite, ITestOutputHelper output) : ExactlyOnceSuite<FakeDataverse>(azurite, output), IClassFixture<Azurite>
{
    protected override int MaxConcurrency => 8;

    protected override int RequestsBesidesLeads => 1; // WhoAmI at start

    protected override Task<FakeDataverse> StartFakeAsync() => FakeDataverse.StartAsync();

    protected override Dictionary<string, string?> DestinationSettings() => DataverseHarness.SettingsFor(Fake);

    protected override JsonObject RecordOf(string leadId) => Fake.Lead(NameBasedUuid.ForLead(leadId));

    /// <summary>The default mapping (docs/dataverse.md, "The mapping").</summary>
    protected override void AssertRecordMatchesTheMapping(JsonObject record, JsonObject lead, string leadId)
    {
        string? Column(string name) => record[name]?.GetValue<string>();

        Assert.Equal(8, record["leadsourcecode"]!.GetValue<int>());
        Assert.Equal(Cut(Subject(lead), 300), Column("subject"));
        if (UserDetail(lead, "Email") is null)
        {
            Assert.Equal("(not provided)", Column("lastname"));
            Assert.Null(Column("firstname"));
            Assert.Null(Column("emailaddress1"));
            return;
        }

        Assert.Equal(Cut(UserDetail(lead, "FirstName")!, 50), Column("firstname"));
        Assert.Equal(Cut(UserDetail(lead, "LastName")!, 50), Column("lastname"));
        Assert.Equal(Cut(UserDetail(lead, "Email")!, 100), Column("emailaddress1"));
        Assert.Equal(Cut(UserDetail(lead, "Phone")!, 50), Column("telephone1"));
        Assert.Equal(Cut(UserDetail(lead, "Company")!, 100), Column("companyname"));
        Assert.Equal(Cut(UserDetail(lead, "Title")!, 100), Column("jobtitle"));
        Assert.Equal(Cut(UserDetail(lead, "Country")!, 80), Column("address1_country"));
        Assert.Equal(Cut(Notes(lead), 2000), Column("description"));
    }

    /// <summary>The application user has no security role.</summary>
    protected override void BreakPermanently() => Fake.AnswerEverything = (403, "0x80040220", "Principal user is missing prvCreateLead privilege.");

    protected override void Fix() => Fake.AnswerEverything = null;

    protected override void AssertPermanentReason(JsonElement reason)
    {
        AssertReason(reason, "Dataverse", 403, "0x80040220", "security role with Create and Read on Lead");
        Assert.Contains(Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("create an application user", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_clean_run_logs_that_the_environment_is_reachable()
    {
        await using var app = await StartAppAsync();

        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Logs.All.Contains("is reachable", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task A_mapped_column_that_does_not_exist_poisons_every_lead_and_a_replay_after_creating_it_delivers_them_once()
    {
        await using var app = await StartAppAsync(s =>
        {
            s["Destinations:Dataverse:Mapping:new_offer"] = "{OfferTitle} ({ActionCode})";
            s["Destinations:Dataverse:MaxLength:new_offer"] = "100";
        });

        var leads = await PostLeadsAsync(app);

        var poisoned = await WaitForPoisonAsync(app);
        Assert.All(poisoned, reason => AssertReason(reason, "Dataverse", 400, "0x80060888", "'new_offer'"));

        Fake.AddTextColumn("new_offer", 100); // the admin creates the column
        Assert.Equal(LeadCount, await app.ReplayPoisonAsync());

        await AssertEachLeadDeliveredOnceAsync(app, leads);
        foreach (var (leadId, lead) in leads.Where(l => l.Lead["OfferTitle"] is not null))
        {
            var expected = $"{lead["OfferTitle"]} ({lead["ActionCode"]})";
            Assert.Equal(Cut(expected, 100), Fake.Lead(NameBasedUuid.ForLead(leadId))["new_offer"]!.GetValue<string>());
        }
    }
}
