using System.Net;
using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Tests.Destinations.Dataverse;
using LeadFunctions.Tests.Destinations.HubSpot;

namespace LeadFunctions.Tests.Routing;

/// <summary>
/// Routes through the whole pipeline (docs/destinations.md, "Routes"): a mixed set of leads, each reaching exactly the
/// destinations its rule names; and a replay after a rule change, which keeps the recorded route unless told to
/// re-route (docs/operate.md, "poison list, show, replay").
/// </summary>
public sealed class RoutesEndToEndTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private FakeDataverse _dataverse = null!;
    private FakeHubSpot _hubSpot = null!;

    public async Task InitializeAsync() => (_dataverse, _hubSpot) = (await FakeDataverse.StartAsync(), await FakeHubSpot.StartAsync());

    public async Task DisposeAsync()
    {
        await _dataverse.DisposeAsync();
        await _hubSpot.DisposeAsync();
    }

    [Fact]
    public async Task Each_lead_of_a_mixed_set_reaches_exactly_the_destinations_its_rule_names()
    {
        await using var app = await StartAsync(Rules(analyticsTo: "HubSpot;Table"));
        var leads = new (string Why, JsonObject Lead, string[] Destinations)[]
        {
            ("a test lead", TestLead(1), ["Table"]),
            ("do not contact, for an Analytics offer", TestLeads.DoNotContact(2), ["Dataverse"]),
            ("Contact me for an Analytics offer", TestLeads.ContactMe(3), ["HubSpot", "Table"]),
            ("Contact me for another offer: the default", TestLeads.ContactMe(4, "Other offer"), ["Dataverse"]),
            ("an install for an Analytics offer: the default", Install(5), ["Dataverse"]),
        };
        var ids = new List<string>();
        foreach (var (_, lead, _) in leads) ids.Add(await PostAsync(app, lead));

        Assert.True(await TestApp.EventuallyAsync(async () =>
            await app.CountRowsAsync() == 2 && _dataverse.Leads.Count == 3 && _hubSpot.Contacts.Count == 1 && await TestApp.CountMessagesAsync(app.Queue) == 0));
        foreach (var ((why, _, destinations), id) in leads.Zip(ids))
        {
            Assert.True(destinations.Contains("Table") == await InTableAsync(app, id), $"{why}: Table");
            Assert.True(destinations.Contains("Dataverse") == _dataverse.Leads.ContainsKey(NameBasedUuid.ForLead(id)), $"{why}: Dataverse");
            Assert.True(destinations.Contains("HubSpot") == HasContact(id), $"{why}: HubSpot");
        }

        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task A_replay_after_a_rule_change_keeps_the_recorded_route_and_reroute_applies_the_new_rules()
    {
        var queue = TestNames.Queue();
        _hubSpot.AnswerEverything = (403, "MISSING_SCOPES", "This app hasn't been granted all required scopes.");
        string kept, moved;
        await using (var before = await StartAsync(Rules(analyticsTo: "HubSpot"), queue))
        {
            kept = await PostAsync(before, TestLeads.ContactMe(1));
            moved = await PostAsync(before, TestLeads.ContactMe(2));
            Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(before.PoisonQueue) == 2));
            foreach (var poisoned in await before.PoisonedAsync())
            {
                Assert.Equal("analytics", poisoned.GetProperty("route").GetString());
                Assert.Equal(["HubSpot"], poisoned.GetProperty("destinations").EnumerateArray().Select(d => d.GetString()));
            }
        }

        // The scope is granted, and the rules now send Analytics leads to Dataverse instead.
        _hubSpot.AnswerEverything = null;
        await using var after = await StartAsync(Rules(analyticsTo: "Dataverse"), queue);
        var messages = (await after.PoisonQueue.PeekMessagesAsync(32)).Value;
        var idOf = messages.ToDictionary(m => TestLeadId(m.Body.ToString()), m => m.MessageId);

        var keep = await LeadCliRunner.RunAsync(["poison", "replay", idOf[kept], .. LeadCliRunner.Storage(azurite, queue)]);
        Assert.True(keep.ExitCode == 0, keep.ToString());
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(HasContact(kept))));

        var reroute = await LeadCliRunner.RunAsync(["poison", "replay", idOf[moved], "--reroute", .. LeadCliRunner.Storage(azurite, queue)]);
        Assert.True(reroute.ExitCode == 0, reroute.ToString());
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(_dataverse.Leads.ContainsKey(NameBasedUuid.ForLead(moved)))));
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(after.Queue) == 0));

        Assert.False(_dataverse.Leads.ContainsKey(NameBasedUuid.ForLead(kept)), "the kept route did not move to the new rule's destination");
        Assert.False(HasContact(moved), "the re-routed lead did not go to the old rule's destination");
        Assert.Equal(0, await TestApp.CountMessagesAsync(after.PoisonQueue));
    }

    private bool HasContact(string leadId) => _hubSpot.Contacts.Values.Any(c => c[FakeHubSpot.LeadIdProperty]?.GetValue<string>() == leadId);

    private static Dictionary<string, string?> Rules(string analyticsTo) => new()
    {
        ["Destinations:Default"] = "Dataverse",
        ["Routes:0:Name"] = "test-leads", ["Routes:0:TestLead"] = "true", ["Routes:0:Destinations"] = "Table",
        ["Routes:1:Name"] = "no-contact", ["Routes:1:DoNotContact"] = "true", ["Routes:1:Destinations"] = "Dataverse",
        ["Routes:2:Name"] = "analytics", ["Routes:2:Offer"] = "*Analytics*", ["Routes:2:Action"] = "Contact me", ["Routes:2:Destinations"] = analyticsTo,
        ["Routes:3:Name"] = "appsource", ["Routes:3:Source"] = "AppSource", ["Routes:3:Destinations"] = "HubSpot", // HubSpot stays configured
    };

    private Task<TestApp> StartAsync(Dictionary<string, string?> rules, string? queue = null)
    {
        var settings = DataverseHarness.SettingsFor(_dataverse);
        foreach (var (key, value) in HubSpotHarness.SettingsFor(_hubSpot)) settings[key] = value;
        foreach (var (key, value) in rules) settings[key] = value;
        if (queue is not null) settings["LeadQueueName"] = queue;
        settings["Delivery:FirstRetryDelay"] = "00:00:00.200";
        return TestApp.StartAsync(azurite, settings);
    }

    private static async Task<string> PostAsync(TestApp app, JsonObject lead)
    {
        var response = await app.PostLeadAsync(lead.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("leadId").GetString()!;
    }

    private static async Task<bool> InTableAsync(TestApp app, string leadId) =>
        await app.Table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.RowKey == leadId).AnyAsync();

    private static string TestLeadId(string text) => LeadFunctions.Leads.LeadEnvelope.TryParse(text, out _)!.LeadId;

    private static JsonObject TestLead(int n)
    {
        var lead = TestLeads.ContactMe(n);
        lead["UserDetails"]!["FirstName"] = "MSFT_TEST_636573304831318844";
        lead["UserDetails"]!["LastName"] = "MSFT_TEST_636573304831318844";
        return lead;
    }

    private static JsonObject Install(int n)
    {
        var lead = TestLeads.ContactMe(n);
        lead["ActionCode"] = "INS";
        return lead;
    }
}
