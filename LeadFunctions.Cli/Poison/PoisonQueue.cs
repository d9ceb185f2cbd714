using Azure;
using Azure.Storage.Queues;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli.Poison;

/// <summary>
/// The poison queue as an operator works with it: messages listed, shown and replayed by id. Every command walks the
/// queue with receives, holding each lease until the walk ends and releasing all in a finally block
/// (docs/operate.md, "poison list, show, replay").
/// </summary>
internal sealed class PoisonQueue(LeadStorage storage, LeadQueue leads, TimeProvider time)
{
    /// <summary>How long a received message stays hidden if this process dies before releasing it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private const int BatchSize = 32;

    // As stored: a message another writer did not encode must not stop the walk.
    private readonly QueueClient _queue = storage.PoisonQueueAsStored;

    public string Name => _queue.Name;

    /// <summary>Every message, oldest first. They are all back in the queue when this returns.</summary>
    public async Task<IReadOnlyList<PoisonMessage>> ListAsync(CancellationToken cancellationToken)
    {
        var all = new List<PoisonMessage>();
        await WalkAsync((message, _) =>
        {
            all.Add(message);
            return Task.FromResult(Step.Release);
        }, cancellationToken);
        return all.OrderBy(m => m.InsertedOn).ToList();
    }

    /// <summary>Lets <paramref name="act"/> use the leased message (it says whether it deleted it); false when not found.</summary>
    public async Task<bool> WithMessageAsync(string messageId, Func<PoisonMessage, Task<bool>> act, CancellationToken cancellationToken)
    {
        var found = false;
        await WalkAsync(async (message, _) =>
        {
            if (!string.Equals(message.MessageId, messageId, StringComparison.OrdinalIgnoreCase)) return Step.Release;
            found = true;
            return await act(message) ? Step.DeletedAndStop : Step.ReleaseAndStop;
        }, cancellationToken);
        return found;
    }

    /// <summary>
    /// Replays every message that was there before this call; returns how many arrived during the walk and were left
    /// alone (a replayed lead that fails again at once must not go round and round).
    /// </summary>
    public async Task<int> ReplayAllAsync(bool asIs, bool reroute, Func<ReplayResult, Task> report, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var replayedTexts = new HashSet<string>(StringComparer.Ordinal);
        var arrived = 0;
        await WalkAsync(async (message, began) =>
        {
            if (message.InsertedOn > began || message.Envelope?.ReplayedAt >= startedAt || (message.Envelope is null
                && replayedTexts.Contains(message.Text)))
            {
                arrived++;
                return Step.Release;
            }

            var result = await ReplayAsync(message, asIs, reroute, cancellationToken);
            if (message.Envelope is null
                && result.Outcome is ReplayOutcome.Replayed or ReplayOutcome.ReplayedPoisonCopyKept) replayedTexts.Add(message.Text);
            await report(result);
            return result.Outcome == ReplayOutcome.Replayed ? Step.Deleted : Step.Release;
        }, cancellationToken);
        return arrived;
    }

    /// <summary>
    /// Puts a leased message back on the lead queue (an envelope with attempts reset, or, <paramref name="asIs"/>, unchanged).
    /// Durable there before the poison copy is deleted: a crash leaves the lead in both queues, never in neither.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(PoisonMessage message, bool asIs, bool reroute, CancellationToken cancellationToken)
    {
        if (message.Envelope is null && !asIs) return new ReplayResult(message, ReplayOutcome.NotAnEnvelope, message.UnreadableReason);

        try
        {
            if (message.Envelope is { } envelope) await leads.SendAsync(envelope.ForReplay(time.GetUtcNow(), reroute), null, cancellationToken);
            else if (message.Decoded) await leads.SendTextAsync(message.Text, cancellationToken);
            else await leads.SendStoredTextAsync(message.Text, cancellationToken);   // as it was stored, not encoded
        }
        catch (Exception e) when (IsAboutThisMessage(e))
        {
            // Cannot be put back (too large once encoded, refused): report it and go on with the others.
            return new ReplayResult(message, ReplayOutcome.Skipped, $"{e.GetType().Name}: {LogText.FirstLine(e.Message)}");
        }

        try
        {
            // Not cancellable: the new message exists, so finish the move.
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            return new ReplayResult(message, ReplayOutcome.Replayed, null);
        }
        catch (RequestFailedException e)
        {
            return new ReplayResult(message, ReplayOutcome.ReplayedPoisonCopyKept, $"{e.Status} {e.ErrorCode}");
        }
    }

    /// <summary>About this message, not the account: unreachable storage or bad credentials stop the command (exit 3).</summary>
    private static bool IsAboutThisMessage(Exception e) => e switch
    {
        RequestFailedException { Status: 0 or 401 or 403 } => false,
        RequestFailedException { Status: >= 400 and < 500 } => true,
        LeadTooLargeException or System.Text.Json.JsonException or ArgumentException or InvalidOperationException => true,
        _ => false,
    };

    /// <summary>Receives every message in turn, holding each until the end.</summary>
    private async Task WalkAsync(Func<PoisonMessage, DateTimeOffset, Task<Step>> visit, CancellationToken cancellationToken)
    {
        var held = new Dictionary<string, PoisonMessage>(StringComparer.Ordinal);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? began = null;

        async Task WalkBatchesAsync()
        {
            while (true)
            {
                Response<Azure.Storage.Queues.Models.QueueMessage[]> response;
                try
                {
                    response = await _queue.ReceiveMessagesAsync(BatchSize, Lease, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    return;   // no poison queue: nothing has ever been poisoned
                }

                // The service's clock, like the insertion times it is compared with (both in whole seconds).
                began ??= response.GetRawResponse().Headers.Date ?? time.GetUtcNow();
                if (response.Value.Length == 0) return;
                var stop = false;
                foreach (var received in response.Value)
                {
                    var message = new PoisonMessage(received, storage.MessagesAreBase64);
                    if (held.ContainsKey(message.MessageId) || deleted.Contains(message.MessageId))
                    {
                        // Its lease ran out during the walk: release it with the new receipt; all has been seen.
                        held[message.MessageId] = message;
                        stop = true;
                        continue;
                    }

                    held[message.MessageId] = message;   // held from here on, so an error while visiting it releases it too
                    var step = await visit(message, began.Value);
                    if (step is Step.Deleted or Step.DeletedAndStop)
                    {
                        held.Remove(message.MessageId);
                        deleted.Add(message.MessageId);
                    }

                    stop |= step is Step.ReleaseAndStop or Step.DeletedAndStop;
                }

                if (stop) return;
            }
        }

        try
        {
            await WalkBatchesAsync();
        }
        catch
        {
            await ReleaseAsync(held.Values);
            throw;
        }

        var unreleased = await ReleaseAsync(held.Values);
        if (unreleased > 0)
        {
            throw new CommandException(ExitCodes.Failed, $"{unreleased} poison message(s) could not be released; they reappear within " +
                $"{Lease.TotalSeconds:0} s.");
        }
    }

    /// <summary>Returns how many could not be released (they reappear when their lease runs out).</summary>
    private async Task<int> ReleaseAsync(IEnumerable<PoisonMessage> messages)
    {
        var failures = 0;
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (message, _) =>
        {
            try
            {
                await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero,
                    cancellationToken: CancellationToken.None);
            }
            catch (RequestFailedException e) when (e.Status is 400 or 404)
            {
                // Deleted, or received by someone else after its lease ran out: nothing to release.
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException or TimeoutException)
            {
                Interlocked.Increment(ref failures);
            }
        });
        return failures;
    }

    private enum Step
    {
        Release,
        Deleted,
        ReleaseAndStop,
        DeletedAndStop,
    }
}
