using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using LeadFunctions.Delivery;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>Decoding one by one, a badly encoded message is poisoned with its reason instead of failing a whole receive.</summary>
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

                batch = (await _queue.ReceiveMessagesAsync(free, _standalone.MessageLease, stoppingToken).ConfigureAwait(false))
                    .Value;
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
                var longest = Math.Max(_trigger.MaxPollingInterval.Ticks, _standalone.MinPollingInterval.Ticks);
                idleDelay = TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, longest));
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
                // Another writer's message: waiting cannot make it readable. Park it as stored, with the reason.
                var reason = "The message is not base64-encoded, as host.json's messageEncoding says every message must be; " +
                    "another writer put it on the queue. It is kept as stored; a lead envelope among such messages is replayed encoded.";
                await MoveToPoisonAsync(message, text, decoded, UnreadableMessage.NotEncoded, reason, () => popReceipt, renewal)
                    .ConfigureAwait(false);
                return;
            }

            if (message.DequeueCount > _trigger.MaxDequeueCount)
            {
                // No outcome on any dequeue: it crashed the process each time. Park it.
                var reason = $"Dequeued {message.DequeueCount} times without an outcome (maximum {_trigger.MaxDequeueCount}): " +
                    "the process stopped while handling it each time.";
                await MoveToPoisonAsync(message, text, decoded, UnreadableMessage.DequeueCountExceeded, reason, () => popReceipt, renewal)
                    .ConfigureAwait(false);
                return;
            }

            try
            {
                await processor.ProcessAsync(new QueuedMessage(text, message.DequeueCount, message.MessageId), stoppingToken)
                    .ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Listening to queue {Queue} (batch size {BatchSize}, max dequeue count {MaxDequeueCount})")]
    private static partial void LogStarted(ILogger logger, string queue, int batchSize, int maxDequeueCount);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Not listening to queue {Queue} (Standalone__ProcessQueue=false): this process runs intake only")]
    private static partial void LogIntakeOnly(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the lead queue failed ({ErrorType}: {Error}); trying again")]
    private static partial void LogPollFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing message {MessageId} failed on dequeue {DequeueCount}")]
    private static partial void LogProcessingFailed(ILogger logger, Exception exception, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle message {MessageId} ({ErrorType}); it will reappear after its lease")]
    private static partial void LogSettleFailed(ILogger logger, string errorType, string messageId);
}
