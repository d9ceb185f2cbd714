using System.Net;
using System.Text.Json;
using LeadFunctions.Leads;
using LeadFunctions.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.EndToEnd;

/// <summary>
/// Whatever is on the lead queue, accepted leads keep flowing (issue 23): the standalone listener receives messages as
/// stored and reads each on its own; what it cannot decode or read goes to the poison queue with its reason beside it,
/// and no value from a message reaches the log or the CLI raw.
/// </summary>
public sealed class BadQueueMessagesTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task An_undecodable_message_goes_to_poison_with_its_reason_and_holds_no_accepted_lead_back()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });
        await PutAsStoredAsync(app.QueueName, BadMessages.NotEncoded);
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(TestLeads.ContactMe(i).ToJsonString())).StatusCode);

        // The same queue, now with a listener: the bad message comes in the first batch with 15 good ones.
        await using var listener = await StartListenerAsync(app.QueueName, app.TableName);

        Assert.True(await TestApp.EventuallyAsync(async () => await listener.CountRowsAsync() == 20, Minute),
            $"{await listener.CountRowsAsync()} of 20 accepted leads delivered: the undecodable message held the others back");
        var poisoned = Assert.Single(await PoisonTextsAsync(listener));
        var unreadable = JsonDocument.Parse(poisoned).RootElement.GetProperty("unreadable");
        Assert.Equal("NotEncoded", unreadable.GetProperty("code").GetString());
        Assert.Contains("base64", unreadable.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(BadMessages.NotEncoded, unreadable.GetProperty("text").GetString());
        Assert.False(unreadable.GetProperty("decoded").GetBoolean());
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(listener.Queue) == 0));
    }

    [Fact]
    public async Task An_envelope_whose_lead_cannot_be_written_goes_to_poison_at_once_with_its_reason()
    {
        var settings = new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "5" };
        await using var app = await TestApp.StartAsync(azurite, settings);
        await app.Queue.CreateIfNotExistsAsync(); // the app creates it in the background at start: do not race it
        await app.Queue.SendMessageAsync(BadMessages.UnwritableLead());
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(TestLeads.ContactMe(1).ToJsonString())).StatusCode);

        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == 1 && await app.CountRowsAsync() == 1, Minute));
        var unreadable = JsonDocument.Parse(Assert.Single(await PoisonTextsAsync(app))).RootElement.GetProperty("unreadable");
        Assert.Equal("NotAnEnvelope", unreadable.GetProperty("code").GetString());
        Assert.Contains("surrogate", unreadable.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, unreadable.GetProperty("dequeueCount").GetInt32());   // at once: not after five failures
        Assert.Equal(BadMessages.UnwritableLead().Length, unreadable.GetProperty("text").GetString()!.Length);
    }

    [Fact]
    public async Task An_envelope_reusing_a_lead_id_with_other_data_goes_to_poison_as_a_LeadIdMismatch()
    {
        var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(azurite, services: s => s.AddSingleton<ILoggerProvider>(logs));
        var first = await app.PostLeadAsync(TestLeads.ContactMe(1).ToJsonString());
        var leadId = (await first.JsonAsync()).GetProperty("leadId").GetString()!;
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1, Minute));

        // The second lead's data under the first lead's id.
        var forged = TestLeads.Envelope(TestLeads.ContactMe(2).ToJsonString()) with { LeadId = leadId };
        await app.Queue.SendMessageAsync(forged.ToJson());

        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == 1, Minute), logs.All);
        var poisoned = LeadEnvelope.TryParse(Assert.Single(await PoisonTextsAsync(app)), out var reason) ?? throw new Xunit.Sdk.XunitException(reason);
        Assert.Equal("LeadIdMismatch", poisoned.LastError!.Code);
        Assert.Equal("poison", poisoned.LastError.Kind);
        Assert.Contains("Lovelace2", poisoned.Lead.GetRawText(), StringComparison.Ordinal);   // the data is kept, for the operator
        Assert.DoesNotContain("Lovelace2", logs.All, StringComparison.Ordinal);
        var row = Assert.Single(await app.Table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.RowKey == leadId).ToListAsync());
        Assert.Contains("Lovelace1", row.GetString("CustomerInfo"), StringComparison.Ordinal);  // the first lead's record is untouched
        Assert.Single(logs.Entries, e => e.Line.Contains(" delivered to ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mix_of_bad_messages_does_not_stop_100_good_leads_and_the_operator_sees_and_replays_what_can_be_replayed()
    {
        var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });
        await PutAsStoredAsync(app.QueueName, BadMessages.NotEncoded);
        await app.Queue.SendMessageAsync(BadMessages.UnwritableLead());
        await app.Queue.SendMessageAsync(BadMessages.ControlCharacters());
        var posted = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i => await app.PostLeadAsync(TestLeads.ContactMe(i).ToJsonString())));
        Assert.All(posted, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));

        // Leads poisoned earlier (a 403), for the replay to put back.
        var storage = new TestStorage(azurite, app.QueueName);
        var earlier = Enumerable.Range(0, 3).Select(i => TestStorage.Envelope($"earlier-{i}", attempt: 1, TestStorage.Forbidden)).ToList();
        foreach (var envelope in earlier) await storage.Queue.SendToPoisonAsync(envelope.ToJson(), CancellationToken.None);

        await using (var listener = await StartListenerAsync(app.QueueName, app.TableName, logs))
        {
            Assert.True(await TestApp.EventuallyAsync(async () => await listener.CountRowsAsync() == 100, Minute),
                $"{await listener.CountRowsAsync()} of 100 good leads delivered");
            Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(listener.PoisonQueue) == 6 && await TestApp.CountMessagesAsync(listener.Queue) == 0, Minute));
        }

        var reasons = (await PoisonTextsAsync(app))
            .Select(t => JsonDocument.Parse(t).RootElement)
            .Where(m => m.TryGetProperty("unreadable", out _))
            .Select(m => m.GetProperty("unreadable").GetProperty("code").GetString() + ": " + m.GetProperty("unreadable").GetProperty("reason").GetString())
            .ToList();
        Assert.Equal(3, reasons.Count);
        Assert.Single(reasons, r => r.StartsWith("NotEncoded: ", StringComparison.Ordinal));
        Assert.Single(reasons, r => r.Contains("surrogate", StringComparison.Ordinal));
        Assert.Single(reasons, r => r.Contains("lead id", StringComparison.Ordinal));

        var cli = LeadCliRunner.Storage(azurite, app.QueueName);
        var list = await LeadCliRunner.RunAsync(["poison", "list", .. cli]);
        var ids = (await PoisonIdsAsync(app)).ToList();
        var shows = new List<CliRun>();
        foreach (var id in ids)
        {
            shows.Add(await LeadCliRunner.RunAsync(["poison", "show", id, .. cli]));
            shows.Add(await LeadCliRunner.RunAsync(["poison", "show", id, "--include-lead-data", .. cli]));
            shows.Add(await LeadCliRunner.RunAsync(["poison", "show", id, "--json", "--include-lead-data", .. cli]));
        }

        var replay = await LeadCliRunner.RunAsync(["poison", "replay", "--all", .. cli]);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.All(shows, s => Assert.True(s.ExitCode == 0, s.ToString()));
        Assert.True(replay.ExitCode == 4, replay.ToString());   // some skipped (docs/operate.md, "Exit codes")
        Assert.Contains($"Replayed 3 of 6 messages to {app.QueueName}", replay.Output, StringComparison.Ordinal);
        Assert.Equal(3, replay.Output.Split('\n').Count(l => l.StartsWith("Not replayed ", StringComparison.Ordinal)));
        Assert.Equal(3, await TestApp.CountMessagesAsync(app.PoisonQueue));
        Assert.Equal(earlier.Select(e => e.LeadId).Order(), (await storage.PeekEnvelopesAsync(poison: false)).Select(e => e.LeadId).Order());

        // Every log line and every output; the message text itself only where it was asked for (--include-lead-data), cleaned.
        var bounded = string.Join("\n", [.. logs.Entries.Select(e => e.Line + e.Values), list.All, .. shows.Where((_, i) => i % 3 == 0).Select(s => s.All), replay.All]);
        var everything = string.Join("\n", [bounded, .. shows.Select(s => s.All)]);
        Assert.Empty(BadMessages.RawControls(string.Join(" ", logs.Entries.Select(e => e.Line + e.Values)), allowLineFeed: false));
        Assert.Empty(BadMessages.RawControls(everything, allowLineFeed: true));
        Assert.DoesNotContain(everything.Split('\n'), l => l.StartsWith("12:00:00 " + BadMessages.Forged, StringComparison.Ordinal));
        Assert.DoesNotContain(new string('a', 600), bounded, StringComparison.Ordinal);
    }

    private async Task PutAsStoredAsync(string queueName, string text)
    {
        var raw = azurite.Queue(queueName, base64: false);
        await raw.CreateIfNotExistsAsync();
        await raw.SendMessageAsync(text);
    }

    private Task<TestApp> StartListenerAsync(string queueName, string tableName, CapturedLogs? logs = null) =>
        TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["LeadQueueName"] = queueName, ["Destinations:Table:TableName"] = tableName },
            logs is null ? null : s => s.AddSingleton<ILoggerProvider>(logs));

    private static async Task<List<string>> PoisonTextsAsync(TestApp app) =>
        (await app.PoisonQueue.PeekMessagesAsync(32)).Value.Select(m => m.MessageText).ToList();

    private static async Task<IEnumerable<string>> PoisonIdsAsync(TestApp app) =>
        (await app.PoisonQueue.PeekMessagesAsync(32)).Value.Select(m => m.MessageId);
}
