using System.Text.Json.Nodes;
using LeadFunctions.Leads;

namespace LeadFunctions.Tests.Cli.Route;

/// <summary>
/// <c>route FILE</c> shows where each lead would go under the routes of the settings, sending nothing; <c>poison replay</c>
/// keeps a lead's recorded destinations and says so, or forgets them with <c>--reroute</c>.
/// </summary>
public sealed class RouteCommandTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly Dictionary<string, string?> Routes = new()
    {
        ["Destinations:Default"] = "Table",
        ["Routes:0:Name"] = "no-contact", ["Routes:0:DoNotContact"] = "true", ["Routes:0:Destinations"] = "Dataverse",
        ["Routes:1:Name"] = "analytics", ["Routes:1:Offer"] = "*Analytics*", ["Routes:1:Destinations"] = "HubSpot;Table",
    };

    [Fact]
    public async Task A_file_of_leads_is_shown_lead_by_lead_with_its_route_and_destinations_and_nothing_is_sent()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("route-").FullName, "leads.jsonl");
        JsonObject[] leads = [TestLeads.ContactMe(1), TestLeads.DoNotContact(2), TestLeads.ContactMe(3, "Other offer")];
        await File.WriteAllLinesAsync(file, [.. leads.Select(l => l.ToJsonString()), "{\"not\": \"a lead\"}"]);

        var text = await LeadCliRunner.RunAsync(["route", "--dry-run", file], Routes);
        var json = await LeadCliRunner.RunAsync(["route", file, "--json"], Routes);

        Assert.True(text.ExitCode == 1, text.ToString()); // one line is not a lead
        Assert.Matches(@"1\s+[0-9a-f]{32}\s+Contoso Analytics\s+Contact me\s+United Kingdom\s+analytics\s+HubSpot;Table", text.Output);
        Assert.Matches(@"2\s+[0-9a-f]{32}\s+.*\s+no-contact\s+Dataverse", text.Output);
        Assert.Matches(@"3\s+[0-9a-f]{32}\s+Other offer\s+.*\s+default\s+Table", text.Output);
        Assert.Matches(@"4\s+-\s+.*not a lead\s+\$: No lead content", text.Output);
        Assert.Contains("4 leads: 1 lead by analytics, 1 lead by no-contact, 1 lead by default. Nothing was sent.", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ada1@", text.All + json.All, StringComparison.Ordinal);
        Assert.Equal(["analytics", "no-contact", "default", null], json.Json().EnumerateArray().Select(l => l.TryGetProperty("route", out var r) ? r.GetString() : null));
    }

    [Fact]
    public async Task A_wrong_rule_stops_the_dry_run_with_exit_2_naming_the_setting()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("route-").FullName, "lead.json");
        await File.WriteAllTextAsync(file, TestLeads.ContactMe(1).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        var run = await LeadCliRunner.RunAsync(["route", file], new Dictionary<string, string?> { ["Routes:0:Destinations"] = "Teems" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Routes__0__Destinations names 'Teems', which is not a destination", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Old_setting_names_route_the_same_way()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("route-").FullName, "lead.json");
        await File.WriteAllTextAsync(file, TestLeads.ContactMe(1).ToJsonString());

        var run = await LeadCliRunner.RunAsync(["route", file], new Dictionary<string, string?> { ["Crm:Target"] = "HubSpot" });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"default\s+HubSpot", run.Output);
    }

    [Fact]
    public async Task Replay_keeps_the_recorded_route_and_says_so_and_reroute_forgets_it()
    {
        var queue = TestNames.Queue();
        var storage = new TestStorage(azurite, queue);
        var routed = TestStorage.Envelope("route-a") with { Route = "analytics", Destinations = ["HubSpot"], LastError = TestStorage.Forbidden };
        await storage.Queue.SendToPoisonAsync(routed.ToJson(), CancellationToken.None);

        var show = await LeadCliRunner.RunAsync(["poison", "show", (await storage.Storage.PoisonQueue.PeekMessageAsync()).Value.MessageId, .. LeadCliRunner.Storage(azurite, queue)]);
        var kept = await LeadCliRunner.RunAsync(["poison", "replay", "--all", .. LeadCliRunner.Storage(azurite, queue)]);
        var back = LeadEnvelope.TryParse((await storage.Storage.LeadQueue.ReceiveMessageAsync()).Value.Body.ToString(), out _)!;

        Assert.Contains("Destinations HubSpot (route analytics); a replay goes there, or under today's rules with --reroute", show.Output, StringComparison.Ordinal);
        Assert.True(kept.ExitCode == 0, kept.ToString());
        Assert.Contains($"lead {routed.LeadId} (for HubSpot, route analytics) is back on {queue}", kept.Output, StringComparison.Ordinal);
        Assert.Contains("goes to the destinations recorded in its message; --reroute routes it under today's rules instead", kept.Output, StringComparison.Ordinal);
        Assert.Equal("analytics", back.Route);
        Assert.Equal(["HubSpot"], back.Destinations);

        await storage.Queue.SendToPoisonAsync(routed.ToJson(), CancellationToken.None);
        var rerouted = await LeadCliRunner.RunAsync(["poison", "replay", "--all", "--reroute", .. LeadCliRunner.Storage(azurite, queue)]);
        var messages = (await storage.Storage.LeadQueue.ReceiveMessagesAsync(32)).Value;
        var again = messages.Select(m => LeadEnvelope.TryParse(m.Body.ToString(), out _)!).Single(e => e.ReplayedAt is not null && e.Route is null);

        Assert.True(rerouted.ExitCode == 0, rerouted.ToString());
        Assert.Contains("(to be routed under today's rules)", rerouted.Output, StringComparison.Ordinal);
        Assert.Null(again.Destinations);
    }
}
