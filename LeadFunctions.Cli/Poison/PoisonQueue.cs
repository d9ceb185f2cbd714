using Azure;
using Azure.Storage.Queues;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli.Poison;

/// <summary>
/// The poison queue as an operator works with it: messages listed, shown and replayed by their queue message id.
/// </summary>
/// <remarks>
/// How a message is addressed. Its message id is stable for its whole life, but only a receive hands out the pop
/// receipt that delete needs; a peek returns no receipt and at most 32 messages. So every command walks the queue
/// with receives. Each message received is leased (invisible to other receivers) for <see cref="Lease"/>; the
/// command acts on the ones it is after and releases every other one (visibility back to zero) when the walk ends.
/// Holding the leases until the end is what moves the walk forward: a message released at once would be received
/// again by the next call. Releasing in a finally block puts everything back at once even after an error or
/// Ctrl+C; if the process dies, the leases simply run out. If a walk outlasts the lease, a message comes round a
/// second time; the walk then stops, having seen everything. A receive changes nothing but the dequeue count,
/// which nothing reads on the poison queue. Two commands walking at once each see only what the other does not
/// hold, so a message can never be replayed by both; "not found" can mean "held by another command for a minute".
/// </remarks>
internal sealed class PoisonQueue(LeadStorage storage, LeadQueue leads, TimeProvider time)
{
    /// <summary>How long a received message stays hidden if this process dies before releasing it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private const int BatchSize = 32;

    // As stored: one message another writer did not encode must not stop the walk (the client's decoding would throw).
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

    /// <summary>
    /// Finds the message with id <paramref name="messageId"/> and lets <paramref name="act"/> use it while it is leased;
    /// <paramref name="act"/> says whether it deleted the message. False when no such message was found.
    /// </summary>
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
    /// Replays every message that was in the queue before this call (see <see cref="ReplayAsync"/>), passing each
    /// result to <paramref name="report"/>. Returns how many messages were left alone because they arrived during
    /// the walk: a replayed lead that fails again at once is back while the walk is still going, and must not be
    /// replayed round and round. Such a message was put there after the walk began (insertion time, by the
    /// service's clock, in whole seconds), or carries a replay time from this run, or is text this run replayed.
    /// </summary>
    public async Task<int> ReplayAllAsync(bool asIs, bool reroute, Func<ReplayResult, Task> report, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var replayedTexts = new HashSet<string>(StringComparer.Ordinal);
        var arrived = 0;
        await WalkAsync(async (message, began) =>
        {
            if (message.InsertedOn > began || message.Envelope?.ReplayedAt >= startedAt || (message.Envelope is null && replayedTexts.Contains(message.Text)))
            {
                arrived++;
                return Step.Release;
            }

            var result = await ReplayAsync(message, asIs, reroute, cancellationToken);
            if (message.Envelope is null && result.Outcome is ReplayOutcome.Replayed or ReplayOutcome.ReplayedPoisonCopyKept) replayedTexts.Add(message.Text);
            await report(result);
            return result.Outcome == ReplayOutcome.Replayed ? Step.Deleted : Step.Release;
        }, cancellationToken);
        return arrived;
    }

    /// <summary>
    /// Puts a leased message back on the lead queue: an envelope with its attempts reset (<c>ForReplay</c>), or, when
    /// <paramref name="asIs"/>, a message that is not an envelope unchanged. The copy on the lead queue is durable
    /// before the poison message is deleted, so a crash in between leaves the lead in both queues, never in neither;
    /// the destination's create-once key (the lead id) turns a second delivery into "already there".
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
            // This message cannot be put back (too large once encoded, refused by storage): report it and go on with the others.
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

    /// <summary>
    /// An error that concerns the message being replayed, not the storage account: the others can still be replayed.
    /// Storage that cannot be reached or refuses the credentials stops the command (exit 3), since every message would fail.
    /// </summary>
    private static bool IsAboutThisMessage(Exception e) => e switch
    {
        RequestFailedException { Status: 0 or 401 or 403 } => false,
        RequestFailedException { Status: >= 400 and < 500 } => true,
        LeadTooLargeException or System.Text.Json.JsonException or ArgumentException or InvalidOperationException => true,
        _ => false,
    };

    /// <summary>Receives every message in turn, holding each until the end; <paramref name="visit"/> gets it and the time the walk began.</summary>
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
                        // Its lease ran out during the walk: release it with the new receipt; everything has been seen.
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
            throw new CommandException(ExitCodes.Failed, $"{unreleased} poison message(s) could not be released; they reappear within {Lease.TotalSeconds:0} s.");
        }
    }

    /// <summary>Makes held messages visible again at once; returns how many could not be (they reappear when their lease runs out).</summary>
    private async Task<int> ReleaseAsync(IEnumerable<PoisonMessage> messages)
    {
        var failures = 0;
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (message, _) =>
        {
            try
            {
                await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
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

internal enum ReplayOutcome
{
    Replayed,

    /// <summary>The lead is on the lead queue, and its poison copy could not be deleted: replaying that copy later is harmless.</summary>
    ReplayedPoisonCopyKept,

    /// <summary>Not a lead envelope this version reads; replayed only when asked to replay such messages as they are.</summary>
    NotAnEnvelope,

    /// <summary>Could not be put back on the lead queue (the detail says why); left in the poison queue, the others replayed.</summary>
    Skipped,
}

internal sealed record ReplayResult(PoisonMessage Message, ReplayOutcome Outcome, string? Detail);
