using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using LeadFunctions.Delivery;
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
    private readonly QueueClient _queue = storage.LeadQueue;
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
            if (message.DequeueCount > _trigger.MaxDequeueCount)
            {
                // Dequeued more often than allowed without an outcome: it crashed the process each time. Park it.
                await MoveToPoisonAsync(message, () => popReceipt, renewal).ConfigureAwait(false);
                return;
            }

            try
            {
                await processor.ProcessAsync(new QueuedMessage(message.MessageText, message.DequeueCount, message.MessageId), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogProcessingFailed(logger, e, message.MessageId, message.DequeueCount);
                await ReleaseOrPoisonAsync(message, () => popReceipt, renewal).ConfigureAwait(false);
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

    private async Task ReleaseOrPoisonAsync(QueueMessage message, Func<string> popReceipt, CancellationTokenSource renewal)
    {
        if (message.DequeueCount >= _trigger.MaxDequeueCount)
        {
            await MoveToPoisonAsync(message, popReceipt, renewal).ConfigureAwait(false);
            return;
        }

        await renewal.CancelAsync().ConfigureAwait(false);
        await _queue.UpdateMessageAsync(message.MessageId, popReceipt(), visibilityTimeout: _trigger.VisibilityTimeout).ConfigureAwait(false);
    }

    private async Task MoveToPoisonAsync(QueueMessage message, Func<string> popReceipt, CancellationTokenSource renewal)
    {
        await leadQueue.SendToPoisonAsync(message.MessageText, CancellationToken.None).ConfigureAwait(false);
        await renewal.CancelAsync().ConfigureAwait(false);
        await _queue.DeleteMessageAsync(message.MessageId, popReceipt(), CancellationToken.None).ConfigureAwait(false);
        LogMovedToPoison(logger, message.MessageId, message.DequeueCount, leadQueue.PoisonName);
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
                    LogLeaseLost(logger, messageId, e.ErrorCode ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed = true;
                    if (time.GetUtcNow() < expires) continue;
                    LogLeaseLost(logger, messageId, e.GetType().Name);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue} after {DequeueCount} dequeues")]
    private static partial void LogMovedToPoison(ILogger logger, string messageId, long dequeueCount, string poisonQueue);
}
