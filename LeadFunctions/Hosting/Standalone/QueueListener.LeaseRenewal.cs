using LeadFunctions.Telemetry;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>A lost lease lets another receiver in; the settlement ledger keeps its steps to one copy.</summary>
public sealed partial class QueueListener
{
    private async Task RenewLeaseAsync(
        string messageId, Func<string> popReceipt, Action<string> setPopReceipt, CancellationToken cancellationToken)
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
                    var receipt = await _queue.UpdateMessageAsync(
                        messageId, popReceipt(), visibilityTimeout: lease, cancellationToken: cancellationToken).ConfigureAwait(false);
                    setPopReceipt(receipt.Value.PopReceipt);
                    (expires, failed) = (sent + lease, false);
                }
                catch (Azure.RequestFailedException e) when (e.Status is 400 or 404)
                {
                    var reason = LogText.Of(e.ErrorCode, LogText.ReasonLength)
                        ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    LogLeaseLost(logger, LogText.Id(messageId)!, reason);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease on message {MessageId} was lost ({Reason}) while it was handled; "
        + "another receiver may take it, and only one copy poisons or re-schedules its lead")]
    private static partial void LogLeaseLost(ILogger logger, string messageId, string reason);
}
