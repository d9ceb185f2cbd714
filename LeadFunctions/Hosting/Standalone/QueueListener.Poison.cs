using Azure.Storage.Queues.Models;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>Releasing a failed message for another try, or moving it to the poison queue with its reason.</summary>
public sealed partial class QueueListener
{
    private async Task ReleaseOrPoisonAsync(
        QueueMessage message, string text, Exception error, Func<string> popReceipt, CancellationTokenSource renewal)
    {
        if (message.DequeueCount >= _trigger.MaxDequeueCount)
        {
            var reason = $"Failed on each of {message.DequeueCount} dequeues; last error: {error.GetType().FullName}.";
            await MoveToPoisonAsync(message, text, true, UnreadableMessage.DequeueCountExceeded, reason, popReceipt, renewal)
                .ConfigureAwait(false);
            return;
        }

        await renewal.CancelAsync().ConfigureAwait(false);
        await _queue.UpdateMessageAsync(message.MessageId, popReceipt(), visibilityTimeout: _trigger.VisibilityTimeout).ConfigureAwait(false);
    }

    /// <summary>An envelope gets the reason as its <c>lastError</c>; anything else becomes an <see cref="UnreadableMessage"/>.</summary>
    private async Task MoveToPoisonAsync(
        QueueMessage message, string text, bool decoded, string code, string reason, Func<string> popReceipt, CancellationTokenSource renewal)
    {
        var now = time.GetUtcNow();
        var failure = new DeliveryFailure("queue", null, code, reason) { Kind = "poison", At = now };
        if (!await TryPoisonEnvelopeAsync(decoded ? text : null, failure).ConfigureAwait(false))
        {
            var unreadable = UnreadableMessage.Of(
                decoded ? text : message.MessageText, decoded, code, reason, message.MessageId, message.DequeueCount, now);
            await leadQueue.SendToPoisonAsync(unreadable, CancellationToken.None).ConfigureAwait(false);
        }

        await renewal.CancelAsync().ConfigureAwait(false);
        await _queue.DeleteMessageAsync(message.MessageId, popReceipt(), CancellationToken.None).ConfigureAwait(false);
        LogMovedToPoison(
            logger, LogText.Id(message.MessageId)!, message.DequeueCount, leadQueue.PoisonName, code, LogText.Of(reason, LogText.ReasonLength)!);
    }

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue} on dequeue {DequeueCount} ({Code}): {Reason}")]
    private static partial void LogMovedToPoison(
        ILogger logger, string messageId, long dequeueCount, string poisonQueue, string code, string reason);
}
