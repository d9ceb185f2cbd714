
namespace LeadFunctions.Tests.Cli.Poison;

/// <summary>
/// The poison commands survive what an outside probe puts in the poison queue (issue 23): each message is handled on
/// its own, a bad one is named with its reason and skipped, and no value from a message reaches the terminal raw.
/// </summary>
public sealed class PoisonCommandBadMessagesTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Replay_all_replays_every_other_message_when_one_lead_cannot_be_serialised_and_exits_4()
    {
        var (queue, storage) = NewQueue();
        var good = Enumerable.Range(0, 16).Select(i => TestStorage.Envelope($"good-{i}", attempt: 5, TestStorage.Forbidden)).ToList();
        foreach (var envelope in good.Take(8)) await storage.Queue.SendToPoisonAsync(envelope.ToJson(), CancellationToken.None);
        await storage.Queue.SendToPoisonAsync(BadMessages.UnwritableLead(), CancellationToken.None);
        foreach (var envelope in good.Skip(8)) await storage.Queue.SendToPoisonAsync(envelope.ToJson(), CancellationToken.None);
        var badId = (await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value[8].MessageId;

        var all = await LeadCliRunner.RunAsync(["poison", "replay", "--all", .. LeadCliRunner.Storage(azurite, queue)]);
        var one = await LeadCliRunner.RunAsync(["poison", "replay", badId, .. LeadCliRunner.Storage(azurite, queue)]);

        Assert.True(all.ExitCode == 4, all.ToString());
        Assert.Contains($"Replayed 16 of 17 messages to {queue}", all.Output, StringComparison.Ordinal);
        Assert.Contains($"Not replayed {badId}: ", all.Output, StringComparison.Ordinal);
        Assert.Contains("surrogate", all.Output, StringComparison.Ordinal);
        Assert.Equal(good.Select(e => e.LeadId).Order(), (await storage.PeekEnvelopesAsync(poison: false)).Select(e => e.LeadId).Order());
        Assert.Equal(badId, Assert.Single((await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value).MessageId);

        Assert.True(one.ExitCode == 1, one.ToString());
        Assert.Contains($"Not replayed {badId}: ", one.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", one.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_show_and_replay_print_no_control_character_and_no_unbounded_value_from_a_message()
    {
        var (queue, storage) = NewQueue();
        await storage.Queue.SendToPoisonAsync(BadMessages.ControlCharacters(), CancellationToken.None);
        var id = Assert.Single((await storage.Storage.PoisonQueue.PeekMessagesAsync(32)).Value).MessageId;
        var cli = LeadCliRunner.Storage(azurite, queue);

        var runs = new List<CliRun>
        {
            await LeadCliRunner.RunAsync(["poison", "list", .. cli]),
            await LeadCliRunner.RunAsync(["poison", "list", "--json", .. cli]),
            await LeadCliRunner.RunAsync(["poison", "show", id, .. cli]),
            await LeadCliRunner.RunAsync(["poison", "show", id, "--include-lead-data", .. cli]),
            await LeadCliRunner.RunAsync(["poison", "show", id, "--json", "--include-lead-data", .. cli]),
            await LeadCliRunner.RunAsync(["poison", "replay", id, .. cli]),
        };

        var everything = string.Join("\n", runs.Select(r => r.All));
        Assert.Empty(BadMessages.RawControls(everything, allowLineFeed: true));
        Assert.DoesNotContain(everything.Split('\n'), l => l.StartsWith("12:00:00 " + BadMessages.Forged, StringComparison.Ordinal));

        // Values are bounded; the message text itself is shown only when asked for (--include-lead-data), cleaned.
        var withoutText = string.Join("\n", runs.Where((_, i) => i is not (3 or 4)).Select(r => r.All));
        Assert.DoesNotContain(new string('a', 600), withoutText, StringComparison.Ordinal);
        Assert.All(runs.Take(5), r => Assert.True(r.ExitCode == 0, r.ToString()));
    }

    private (string Queue, TestStorage Storage) NewQueue()
    {
        var queue = TestNames.Queue();
        return (queue, new TestStorage(azurite, queue));
    }
}
