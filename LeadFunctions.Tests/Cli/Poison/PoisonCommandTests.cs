using LeadFunctions.Leads;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Cli.Poison;

/// <summary>
/// <c>poison list|show|replay</c> against real queues: messages are found by their queue message id, lead data is
/// shown only on request, every message not acted on is back in the queue at once, and replay keeps exactly-once.
/// </summary>
public sealed class PoisonCommandTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const string Unreadable = "this is not an envelope";

    [Fact]
    public async Task List_shows_ids_attempts_times_and_the_last_error_but_no_lead_data()
    {
        var (queue, storage) = NewQueue();
        var first = TestStorage.Envelope("pii-marker-a1", attempt: 3, TestStorage.Forbidden);
        var second = TestStorage.Envelope("pii-marker-b2");
        await storage.Queue.SendToPoisonAsync(first.ToJson(), CancellationToken.None);
        await storage.Queue.SendToPoisonAsync(second.ToJson(), CancellationToken.None);
        await storage.Queue.SendToPoisonAsync(Unreadable, CancellationToken.None);
        var ids = await MessageIdsAsync(storage);

        var text = await LeadCliRunner.RunAsync(["poison", "list", .. LeadCliRunner.Storage(azurite, queue)]);
        var json = await LeadCliRunner.RunAsync(["poison", "list", "--json", .. LeadCliRunner.Storage(azurite, queue)]);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"3 messages in {queue}-poison", text.Output, StringComparison.Ordinal);
        foreach (var id in ids) Assert.Contains(id, text.Output, StringComparison.Ordinal);
        Assert.Matches($@"{first.LeadId}\s+3\s+\S+ \S+\s+poison\s+403\s+0x80040220\s+Principal user is missing prvCreateLead privilege", text.Output);
        Assert.Matches($@"{second.LeadId}\s+1\s+.*\(no error recorded\)", text.Output);
        Assert.Contains("unreadable", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("pii-marker", text.All + json.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Unreadable, text.All + json.All, StringComparison.Ordinal);

        Assert.True(json.ExitCode == 0, json.ToString());
        var listed = json.Json().EnumerateArray().ToList();
        Assert.Equal(3, listed.Count);
        var withError = listed.Single(m => m.TryGetProperty("leadId", out var l) && l.GetString() == first.LeadId);
        Assert.Equal(403, withError.GetProperty("lastError").GetProperty("status").GetInt32());
        Assert.Equal(3, withError.GetProperty("attempts").GetInt32());
        Assert.Equal(3, (await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value.Length);   // all visible again at once
    }

    [Fact]
    public async Task List_walks_past_the_32_messages_a_receive_returns_and_releases_every_one()
    {
        var (queue, storage) = NewQueue();
        for (var i = 0; i < 45; i++) await storage.Queue.SendToPoisonAsync(TestStorage.Envelope($"many-{i}").ToJson(), CancellationToken.None);

        var run = await LeadCliRunner.RunAsync(["poison", "list", "--json", .. LeadCliRunner.Storage(azurite, queue)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(45, run.Json().EnumerateArray().Select(m => m.GetProperty("messageId").GetString()).Distinct().Count());
        Assert.Equal(32, (await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value.Length);
        Assert.Equal(45, await TestApp.CountMessagesAsync(storage.Storage.PoisonQueue));
    }

    [Fact]
    public async Task Show_gives_the_reason_attempts_and_times_and_the_lead_only_with_include_lead_data()
    {
        var (queue, storage) = NewQueue();
        var envelope = TestStorage.Envelope("pii-marker-c3", attempt: 2, TestStorage.Forbidden);
        await storage.Queue.SendToPoisonAsync(TestStorage.Envelope("other").ToJson(), CancellationToken.None);
        await storage.Queue.SendToPoisonAsync(envelope.ToJson(), CancellationToken.None);
        var id = (await MessageIdsAsync(storage))[1];

        var hidden = await LeadCliRunner.RunAsync(["poison", "show", id, .. LeadCliRunner.Storage(azurite, queue)]);
        var shown = await LeadCliRunner.RunAsync(["poison", "show", id, "--include-lead-data", .. LeadCliRunner.Storage(azurite, queue)]);

        Assert.True(hidden.ExitCode == 0, hidden.ToString());
        Assert.Contains($"Lead id      {envelope.LeadId}", hidden.Output, StringComparison.Ordinal);
        Assert.Contains("Attempts     2", hidden.Output, StringComparison.Ordinal);
        Assert.Contains("status       403", hidden.Output, StringComparison.Ordinal);
        Assert.Contains("code         0x80040220", hidden.Output, StringComparison.Ordinal);
        Assert.Contains("prvCreateLead", hidden.Output, StringComparison.Ordinal);
        Assert.Contains("Lead data    hidden; add --include-lead-data to show it.", hidden.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("pii-marker", hidden.All, StringComparison.Ordinal);

        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("\"Email\": \"pii-marker-c3@example.com\"", shown.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value.Length);
    }

    [Fact]
    public async Task Show_of_a_message_that_is_not_there_is_one_line_and_exit_code_1()
    {
        var (queue, storage) = NewQueue();
        await storage.Queue.SendToPoisonAsync(TestStorage.Envelope("present").ToJson(), CancellationToken.None);

        var run = await LeadCliRunner.RunAsync(["poison", "show", Guid.NewGuid().ToString(), .. LeadCliRunner.Storage(azurite, queue)]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no message", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.Single((await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Replay_all_moves_every_envelope_back_with_attempts_reset_and_leaves_unreadable_messages_unless_asked()
    {
        var (queue, storage) = NewQueue();
        var envelopes = Enumerable.Range(0, 3).Select(i => TestStorage.Envelope($"replay-{i}", attempt: 5, TestStorage.Forbidden)).ToList();
        foreach (var envelope in envelopes) await storage.Queue.SendToPoisonAsync(envelope.ToJson(), CancellationToken.None);
        await storage.Queue.SendToPoisonAsync(Unreadable, CancellationToken.None);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        var first = await LeadCliRunner.RunAsync(["poison", "replay", "--all", .. LeadCliRunner.Storage(azurite, queue)], time: clock);

        Assert.Equal(4, first.ExitCode);   // some skipped
        Assert.Contains($"Replayed 3 of 4 messages to {queue}; 1 not replayed (not lead envelopes; add --include-unreadable", first.Output, StringComparison.Ordinal);
        var replayed = await storage.PeekEnvelopesAsync(poison: false);
        Assert.Equal(envelopes.Select(e => e.LeadId).Order(), replayed.Select(e => e.LeadId).Order());
        Assert.All(replayed, e => Assert.Equal((1, clock.GetUtcNow()), (e.Attempt, e.ReplayedAt)));
        Assert.Equal(Unreadable, Assert.Single((await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value).MessageText);

        var second = await LeadCliRunner.RunAsync(["poison", "replay", "--all", "--include-unreadable", .. LeadCliRunner.Storage(azurite, queue)], time: clock);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"Replayed 1 of 1 message to {queue}.", second.Output, StringComparison.Ordinal);
        Assert.Equal(0, await TestApp.CountMessagesAsync(storage.Storage.PoisonQueue));
        Assert.Contains((await storage.Storage.LeadQueue.PeekMessagesAsync(32)).Value, m => m.MessageText == Unreadable);
    }

    [Fact]
    public async Task Messages_another_writer_did_not_encode_are_listed_and_an_envelope_among_them_is_replayed_encoded()
    {
        // As the portal's "Add message" writes them with "Encode the message body in Base64" unticked.
        var (queue, storage) = NewQueue();
        var envelope = TestStorage.Envelope("raw-envelope");
        var raw = azurite.Queue($"{queue}-poison", base64: false);
        await raw.CreateAsync();
        await raw.SendMessageAsync(envelope.ToJson());
        await raw.SendMessageAsync("plain text, not base64!");
        await storage.Queue.SendToPoisonAsync(TestStorage.Envelope("encoded").ToJson(), CancellationToken.None);

        var list = await LeadCliRunner.RunAsync(["poison", "list", .. LeadCliRunner.Storage(azurite, queue)]);
        var replay = await LeadCliRunner.RunAsync(["poison", "replay", "--all", .. LeadCliRunner.Storage(azurite, queue)]);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("3 messages", list.Output, StringComparison.Ordinal);
        Assert.Contains(envelope.LeadId, list.Output, StringComparison.Ordinal);
        Assert.Contains("not base64-encoded", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("plain text", list.All, StringComparison.Ordinal);

        Assert.Equal(4, replay.ExitCode);   // some skipped
        Assert.Contains("Replayed 2 of 3 messages", replay.Output, StringComparison.Ordinal);
        Assert.Contains(envelope.LeadId, (await storage.PeekEnvelopesAsync(poison: false)).Select(e => e.LeadId));
        Assert.Equal("plain text, not base64!", Assert.Single((await raw.PeekMessagesAsync(32)).Value).MessageText);

        // As the Functions host leaves a message it cannot decode (copied as stored, no reason): put back exactly as it was.
        var asIs = await LeadCliRunner.RunAsync(["poison", "replay", "--all", "--include-unreadable", .. LeadCliRunner.Storage(azurite, queue)]);
        Assert.True(asIs.ExitCode == 0, asIs.ToString());
        Assert.Contains((await azurite.Queue(queue, base64: false).PeekMessagesAsync(32)).Value, m => m.MessageText == "plain text, not base64!");
    }

    [Fact]
    public async Task Replaying_a_lead_twice_still_ends_in_exactly_one_delivery()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var storage = new TestStorage(azurite, app.QueueName);
        var envelope = TestStorage.Envelope("twice", attempt: 5, TestStorage.Forbidden);

        // Two copies, as a crash between "send to the lead queue" and "delete from poison" would leave them.
        await storage.Queue.SendToPoisonAsync(envelope.ToJson(), CancellationToken.None);
        await storage.Queue.SendToPoisonAsync(envelope.ToJson(), CancellationToken.None);
        var all = await LeadCliRunner.RunAsync(["poison", "replay", "--all", .. LeadCliRunner.Storage(azurite, app.QueueName)]);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0 && await app.CountRowsAsync() == 1));

        // And once more, by id, after it was delivered.
        await storage.Queue.SendToPoisonAsync(envelope.ToJson(), CancellationToken.None);
        var one = await LeadCliRunner.RunAsync(["poison", "replay", (await MessageIdsAsync(storage)).Single(), .. LeadCliRunner.Storage(azurite, app.QueueName)]);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains($"lead {envelope.LeadId} (to be routed when processed: no destinations recorded) is back on {app.QueueName}", one.Output,
            StringComparison.Ordinal);
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0));

        Assert.Equal(1, await app.CountRowsAsync());
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task Replay_all_does_not_replay_again_what_fails_again_during_the_same_run()
    {
        // Every lead fails permanently at once: each replayed lead is back in poison while the replay is still going.
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Destinations:Default"] = "Nowhere" });
        var storage = new TestStorage(azurite, app.QueueName);
        for (var i = 0; i < 40; i++) await storage.Queue.SendToPoisonAsync(TestStorage.Envelope($"again-{i}").ToJson(), CancellationToken.None);

        var run = await LeadCliRunner.RunAsync(["poison", "replay", "--all", .. LeadCliRunner.Storage(azurite, app.QueueName)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Replayed 40 of 40 messages to {app.QueueName}", run.Output, StringComparison.Ordinal);
        Assert.Equal(40, run.Output.Split('\n').Count(l => l.StartsWith("Replayed ", StringComparison.Ordinal) && l.Contains("is back on", StringComparison.Ordinal)));
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == 40), "the replayed leads did not come back to poison");
    }

    private (string Queue, TestStorage Storage) NewQueue()
    {
        var queue = TestNames.Queue();
        return (queue, new TestStorage(azurite, queue));
    }

    private static async Task<List<string>> MessageIdsAsync(TestStorage storage) =>
        (await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value.Select(m => m.MessageId).ToList();
}
