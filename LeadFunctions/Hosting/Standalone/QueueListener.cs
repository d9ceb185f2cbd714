using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using LeadFunctions.Delivery;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using Microsoft.Extensions.Options;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>
/// Standalone mode's queue trigger, with the Functions queue trigger's semantics and host.json settings: batches of
/// <c>batchSize</c>, the next batch at <c>newBatchThreshold</c>, polling backing off to <c>maxPollingInterval</c>,
/// a message deleted only after it was handled, released for <c>visibilityTimeout</c> when processing fails, and
/// moved to the poison queue once it has been dequeued <c>maxDequeueCount</c> times.
/// </summary>
/// <remarks>
/// Messages are received as stored and decoded one by one (<see cref="StoredText"/>): a single message that is not in
/// host.json's encoding would otherwise fail the whole receive, and keep every lead received with it hidden for the
/// lease, again and again. Such a message goes to the poison queue at once, with its reason beside it
/// (<see cref="UnreadableMessage"/>); so does one that fails on every dequeue, so every poison message says why it is there.
/// </remarks>
public sealed partial class QueueListener(
    LeadStorage storage,
    LeadQueue leadQueue,
    LeadQueueSignal signal,
    LeadProcessor processor,
    IOptions<QueueTriggerOptions> triggerOptions,
    IOptions<StandaloneOptions> standaloneOptions,
    TimeProvider time,
    ILogger<QueueListener> logger) : BackgroundService
{
    private readonly QueueClient _queue = storage.LeadQueueAsStored;
    private readonly QueueTriggerOptions _trigger = triggerOptions.Value;
    private readonly StandaloneOptions _standalone = standaloneOptions.Value;
    private int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_standalone.ProcessQueue)
        {
            LogIntakeOnly(logger, _queue.Name);
            return;
        }

        LogStarted(logger, _queue.Name, _trigger.BatchSize, _trigger.MaxDequeueCount);
        var inFlight = new List<Task>();
        var idleDelay = _standalone.MinPollingInterval;
        var queuesExist = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            inFlight.RemoveAll(t => t.IsCompleted);
            var free = _trigger.BatchSize - Volatile.Read(ref _inFlight);
            if (Volatile.Read(ref _inFlight) > _trigger.EffectiveNewBatchThreshold || free <= 0)
            {
                await Task.WhenAny(inFlight).WaitAsync(stoppingToken).ConfigureAwait(false);
                continue;
            }

            QueueMessage[] batch;
            try
            {
                // Once, and again after the queue was found missing: not a storage round trip per poll.
                if (!queuesExist)
                {
                    await leadQueue.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                    queuesExist = true;
                }

                batch = (await _queue.ReceiveMessagesAsync(free, _standalone.MessageLease, stoppingToken).ConfigureAwait(false)).Value;
            }
            catch (Azure.RequestFailedException e) when (e.ErrorCode == "QueueNotFound" && !stoppingToken.IsCancellationRequested)
            {
                queuesExist = false;
                batch = [];
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(logger, e.GetType().Name, LogText.FirstLine(e.Message));
                batch = [];
            }

            if (batch.Length == 0)
            {
                await signal.WaitAsync(idleDelay, stoppingToken).ConfigureAwait(false);
                idleDelay = TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, Math.Max(_trigger.MaxPollingInterval.Ticks, _standalone.MinPollingInterval.Ticks)));
                continue;
            }

            idleDelay = _standalone.MinPollingInterval;
            foreach (var message in batch)
            {
                Interlocked.Increment(ref _inFlight);
                inFlight.Add(HandleAsync(message, stoppingToken));
            }
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        var popReceipt = message.PopReceipt;
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewLeaseAsync(message.MessageId, () => popReceipt, r => popReceipt = r, renewal.Token);
        try
        {
            var text = StoredText.Decode(message.MessageText, storage.MessagesAreBase64, out var decoded);
            if (!decoded)
            {
                // Another writer's message: it cannot become readable by waiting. Park it as stored, with the reason.
                var reason = "The message is not base64-encoded, as host.json's messageEncoding says every message must be; " +
                    "another writer put it on the queue. It is kept as stored; a lead envelope among such messages is replayed encoded.";
                await MoveToPoisonAsync(message, text, decoded, UnreadableMessage.NotEncoded, reason, () => popReceipt, renewal).ConfigureAwait(false);
                return;
            }

            if (message.DequeueCount > _trigger.MaxDequeueCount)
            {
                // Dequeued more often than allowed without an outcome: it crashed the process each time. Park it.
                var reason = $"Dequeued {message.DequeueCount} times without an outcome (maximum {_trigger.MaxDequeueCount}): the process stopped while handling it each time.";
                await MoveToPoisonAsync(message, text, decoded, UnreadableMessage.DequeueCountExceeded, reason, () => popReceipt, renewal).ConfigureAwait(false);
                return;
            }

            try
            {
                await processor.ProcessAsync(new QueuedMessage(text, message.DequeueCount, message.MessageId), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogProcessingFailed(logger, e, LogText.Id(message.MessageId)!, message.DequeueCount);
                await ReleaseOrPoisonAsync(message, text, e, () => popReceipt, renewal).ConfigureAwait(false);
                return;
            }

            await StopAsync(renewal, renewing).ConfigureAwait(false);
            await _queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // The message stays in the queue and comes back after its lease: nothing is lost.
            LogSettleFailed(logger, e.GetType().Name, message.MessageId);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the message reappears after its lease.
        }
        finally
        {
            await StopAsync(renewal, renewing).ConfigureAwait(false);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ReleaseOrPoisonAsync(QueueMessage message, string text, Exception error, Func<string> popReceipt, CancellationTokenSource renewal)
    {
        if (message.DequeueCount >= _trigger.MaxDequeueCount)
        {
            var reason = $"Failed on each of {message.DequeueCount} dequeues; last error: {error.GetType().FullName}.";
            await MoveToPoisonAsync(message, text, true, UnreadableMessage.DequeueCountExceeded, reason, popReceipt, renewal).ConfigureAwait(false);
            return;
        }

        await renewal.CancelAsync().ConfigureAwait(false);
        await _queue.UpdateMessageAsync(message.MessageId, popReceipt(), visibilityTimeout: _trigger.VisibilityTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves a message to the poison queue with its reason, then deletes it: a lead envelope with the reason as its
    /// <c>lastError</c>, anything else as an <see cref="UnreadableMessage"/> that keeps the text as it was.
    /// </summary>
    private async Task MoveToPoisonAsync(QueueMessage message, string text, bool decoded, string code, string reason, Func<string> popReceipt, CancellationTokenSource renewal)
    {
        var now = time.GetUtcNow();
        if (!await TryPoisonEnvelopeAsync(decoded ? text : null, new DeliveryFailure("queue", null, code, reason) { Kind = "poison", At = now }).ConfigureAwait(false))
        {
            var unreadable = UnreadableMessage.Of(decoded ? text : message.MessageText, decoded, code, reason, message.MessageId, message.DequeueCount, now);
            await leadQueue.SendToPoisonAsync(unreadable, CancellationToken.None).ConfigureAwait(false);
        }

        await renewal.CancelAsync().ConfigureAwait(false);
        await _queue.DeleteMessageAsync(message.MessageId, popReceipt(), CancellationToken.None).ConfigureAwait(false);
        LogMovedToPoison(logger, LogText.Id(message.MessageId)!, message.DequeueCount, leadQueue.PoisonName, code, LogText.Of(reason, LogText.ReasonLength)!);
    }

    /// <summary>Poisons <paramref name="text"/> as a lead envelope with <paramref name="failure"/> as its last error; false when it is not one, or no longer fits.</summary>
    private async Task<bool> TryPoisonEnvelopeAsync(string? text, DeliveryFailure failure)
    {
        if (text is null || LeadEnvelope.TryParse(text, out _) is not { } envelope) return false;
        try
        {
            await leadQueue.SendToPoisonAsync((envelope with { LastError = failure }).ToJson(), CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (LeadTooLargeException)
        {
            return false;
        }
    }

    /// <summary>
    /// Keeps the message invisible while it is handled: renews the lease at half-time, and after a failed renewal
    /// tries again every tenth of the lease for as long as the lease lasts. A lease that is lost (the message's pop
    /// receipt no longer holds, or the lease ran out) lets another receiver in; the settlement ledger then keeps the
    /// lead's poisoning or re-scheduling to one copy (docs/design.md, "Exactly once").
    /// </summary>
    private async Task RenewLeaseAsync(string messageId, Func<string> popReceipt, Action<string> setPopReceipt, CancellationToken cancellationToken)
    {
        var lease = _standalone.MessageLease;
        var expires = time.GetUtcNow() + lease;
        var failed = false;
        try
        {
            while (true)
            {
                await Task.Delay(failed ? lease / 10 : lease / 2, time, cancellationToken).ConfigureAwait(false);
                var sent = time.GetUtcNow();
                try
                {
                    var receipt = await _queue.UpdateMessageAsync(messageId, popReceipt(), visibilityTimeout: lease, cancellationToken: cancellationToken).ConfigureAwait(false);
                    setPopReceipt(receipt.Value.PopReceipt);
                    (expires, failed) = (sent + lease, false);
                }
                catch (Azure.RequestFailedException e) when (e.Status is 400 or 404)
                {
                    LogLeaseLost(logger, LogText.Id(messageId)!, LogText.Of(e.ErrorCode, LogText.ReasonLength) ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed = true;
                    if (time.GetUtcNow() < expires) continue;
                    LogLeaseLost(logger, LogText.Id(messageId)!, e.GetType().Name);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task StopAsync(CancellationTokenSource renewal, Task renewing)
    {
        if (!renewal.IsCancellationRequested) await renewal.CancelAsync().ConfigureAwait(false);
        await renewing.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening to queue {Queue} (batch size {BatchSize}, max dequeue count {MaxDequeueCount})")]
    private static partial void LogStarted(ILogger logger, string queue, int batchSize, int maxDequeueCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not listening to queue {Queue} (Standalone__ProcessQueue=false): this process runs intake only")]
    private static partial void LogIntakeOnly(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the lead queue failed ({ErrorType}: {Error}); trying again")]
    private static partial void LogPollFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing message {MessageId} failed on dequeue {DequeueCount}")]
    private static partial void LogProcessingFailed(ILogger logger, Exception exception, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle message {MessageId} ({ErrorType}); it will reappear after its lease")]
    private static partial void LogSettleFailed(ILogger logger, string errorType, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease on message {MessageId} was lost ({Reason}) while it was handled; another receiver may take it, and only one copy poisons or re-schedules its lead")]
    private static partial void LogLeaseLost(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue} on dequeue {DequeueCount} ({Code}): {Reason}")]
    private static partial void LogMovedToPoison(ILogger logger, string messageId, long dequeueCount, string poisonQueue, string code, string reason);
}
