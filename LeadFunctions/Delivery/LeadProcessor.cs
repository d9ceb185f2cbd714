using LeadFunctions.Destinations;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Delivery;

/// <summary>
/// ProcessLead: delivers one queued lead and decides, in this one place, what happens next (DESIGN 3.4).
/// Returning means the message is handled and may be deleted: delivered, re-scheduled as a new message, skipped,
/// or moved to the poison queue with its reason. Throwing means "release it for another try"; at the last
/// dequeue the processor poisons the message itself so that both hosting modes record the reason.
/// </summary>
public sealed partial class LeadProcessor(
    ILeadDestination destination,
    LeadQueue queue,
    DeliveryJournal journal,
    LeadMetrics metrics,
    IOptions<DeliveryOptions> deliveryOptions,
    IOptions<QueueTriggerOptions> triggerOptions,
    TimeProvider time,
    ILogger<LeadProcessor> logger)
{
    private readonly DeliveryOptions _options = deliveryOptions.Value;

    public async Task ProcessAsync(QueuedMessage message, CancellationToken cancellationToken)
    {
        var envelope = LeadEnvelope.TryParse(message.Text, out var unreadable);
        if (envelope is null)
        {
            LogUnreadableMessage(message.MessageId, unreadable);
            await queue.SendToPoisonAsync(message.Text, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await DeliverAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (message.DequeueCount >= triggerOptions.Value.MaxDequeueCount && !cancellationToken.IsCancellationRequested)
        {
            var failure = new DeliveryFailure(destination.Name, null, e.GetType().Name,
                $"Failed on each of {message.DequeueCount} dequeues; last error: {e.GetType().FullName}.");
            await PoisonAsync(envelope, failure, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(LeadEnvelope envelope, CancellationToken cancellationToken)
    {
        var read = LeadReader.Published.Read(envelope.Lead);
        if (read.Lead is not { } lead)
        {
            var problems = string.Join("; ", read.Problems.Select(p => $"{p.Path}: {p.Message}"));
            await PoisonAsync(envelope, new DeliveryFailure("intake", null, "InvalidLead", problems), cancellationToken).ConfigureAwait(false);
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["LeadId"] = envelope.LeadId, ["Attempt"] = envelope.Attempt });
        using var activity = LeadTracing.StartProcess(envelope);
        activity?.SetTag("lead.destination", destination.Name);
        if (lead.IsTestLead && _options.TestLeads == TestLeadHandling.Skip)
        {
            LogTestLeadSkipped(envelope.LeadId);
            activity?.SetTag("lead.outcome", "skipped");
            return;
        }

        var outcome = await destination.DeliverAsync(new LeadDelivery(envelope.LeadId, lead, envelope.ReceivedAt, envelope.Attempt), cancellationToken)
            .ConfigureAwait(false);
        activity?.SetTag("lead.outcome", outcome.GetType().Name);

        switch (outcome)
        {
            case DeliveryOutcome.Delivered delivered:
                await journal.RecordAsync(new DeliveryRecord(envelope.LeadId, destination.Name, time.GetUtcNow(), envelope.ReceivedAt, envelope.Attempt, delivered.AlreadyThere), cancellationToken)
                    .ConfigureAwait(false);
                metrics.Delivered(destination.Name, delivered.AlreadyThere, time.GetUtcNow() - envelope.ReceivedAt);
                LogDelivered(envelope.LeadId, destination.Name, delivered.AlreadyThere, envelope.Attempt, lead.OfferTitle, lead.ActionCode, lead.Customer.Country);
                break;

            case DeliveryOutcome.CannotDeliver cannot:
                await PoisonAsync(envelope, cannot.Failure, cancellationToken).ConfigureAwait(false);
                break;

            case DeliveryOutcome.RetryLater retry:
                await RescheduleAsync(envelope, retry, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task RescheduleAsync(LeadEnvelope envelope, DeliveryOutcome.RetryLater retry, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var age = now - envelope.DeliveryStartedAt;
        if (age >= _options.MaxAge)
        {
            var gaveUp = retry.Failure with { Message = $"Gave up after {envelope.Attempt} attempts over {age:g} (maximum age {_options.MaxAge:g}); last error: {retry.Failure.Message}" };
            await PoisonAsync(envelope, gaveUp, cancellationToken).ConfigureAwait(false);
            return;
        }

        var delay = RetrySchedule.DelayAfter(envelope.Attempt, retry.RetryAfter, _options);
        var next = envelope with
        {
            Attempt = envelope.Attempt + 1,
            LastError = retry.Failure with { Kind = "retry", At = now },
        };

        // The new message is durable before this one is deleted; a crash in between leaves two copies, which the
        // destination's create-once key turns into one record.
        await queue.SendAsync(next, delay, cancellationToken).ConfigureAwait(false);
        metrics.Retried(retry.Failure.Destination, retry.Failure.Status);
        LogRescheduled(envelope.LeadId, envelope.Attempt, delay, retry.Failure.ToString());
    }

    private async Task PoisonAsync(LeadEnvelope envelope, DeliveryFailure failure, CancellationToken cancellationToken)
    {
        var poisoned = envelope with { LastError = failure with { Kind = "poison", At = time.GetUtcNow() } };
        await queue.SendToPoisonAsync(poisoned.ToJson(), cancellationToken).ConfigureAwait(false);
        metrics.Poisoned(failure.Destination, failure.Code);
        LogPoisoned(envelope.LeadId, envelope.Attempt, failure.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} delivered to {Destination} (already there: {AlreadyThere}, attempt {Attempt}; offer {OfferTitle}, action {ActionCode}, country {Country})")]
    private partial void LogDelivered(string leadId, string destination, bool alreadyThere, int attempt, string? offerTitle, string? actionCode, string? country);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lead {LeadId} attempt {Attempt} failed transiently; retrying in {Delay}: {Failure}")]
    private partial void LogRescheduled(string leadId, int attempt, TimeSpan delay, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lead {LeadId} moved to the poison queue after attempt {Attempt}: {Failure}")]
    private partial void LogPoisoned(string leadId, int attempt, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} is a Partner Center test lead; skipped (Delivery__TestLeads=Skip)")]
    private partial void LogTestLeadSkipped(string leadId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} is not a lead envelope; moved to the poison queue as it is: {Reason}")]
    private partial void LogUnreadableMessage(string? messageId, string? reason);
}
