using LeadFunctions.Destinations;
using LeadFunctions.Leads;
using LeadFunctions.Routing;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Delivery;

/// <summary>
/// ProcessLead: delivers one queued lead and decides what happens next (docs/design.md, "Delivery outcomes").
/// Returning means the message may be deleted; throwing means "release it for another try". At the last dequeue it
/// poisons the message itself, so both hosting modes record the reason.
/// </summary>
public sealed partial class LeadProcessor(
    LeadDestinations destinations,
    LeadRouter router,
    LeadQueue queue,
    DeliveryJournal journal,
    SettlementLedger settlements,
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
            LogUnreadableMessage(LogText.Id(message.MessageId), LogText.Of(unreadable, LogText.ReasonLength));
            var poisoned = UnreadableMessage.Of(message.Text, decoded: true, UnreadableMessage.NotAnEnvelope, unreadable!, message.MessageId,
                message.DequeueCount, time.GetUtcNow());
            await queue.SendToPoisonAsync(poisoned, cancellationToken).ConfigureAwait(false);
            return;
        }

        var read = LeadReader.Published.Read(envelope.Lead);
        if (envelope.Destinations is null && read.Lead is { } routed)
        {
            // Decided once: every message written from here on names the route and its destinations.
            var decision = router.Decide(routed);
            var names = decision.Route == RouteDecision.Default ? destinations.Default.Select(d => d.Name).ToList() : decision.Destinations;
            envelope = envelope with { Route = decision.Route, Destinations = names };
        }

        var targets = destinations.For(envelope.Destinations);
        try
        {
            await DeliverAsync(message, envelope, read, targets, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (message.DequeueCount >= triggerOptions.Value.MaxDequeueCount && !cancellationToken.IsCancellationRequested)
        {
            var failure = new DeliveryFailure(Names(targets), null, e.GetType().Name,
                $"Failed on each of {message.DequeueCount} dequeues; last error: {e.GetType().FullName}.");
            await PoisonAsync(message, envelope, failure, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(QueuedMessage message, LeadEnvelope envelope, LeadReadResult read, IReadOnlyList<ILeadDestination> targets,
        CancellationToken cancellationToken)
    {
        if (read.Lead is not { } lead)
        {
            var problems = string.Join("; ", read.Errors.Select(p => $"{p.Path}: {p.Message}"));
            await PoisonAsync(message, envelope, new DeliveryFailure("intake", null, "InvalidLead", problems),
                cancellationToken).ConfigureAwait(false);
            return;
        }

        if (LeadIdCheck.Mismatch(envelope, read) is { } mismatch)
        {
            await PoisonAsync(message, envelope, mismatch, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["LeadId"] = envelope.LeadId, ["Attempt"] = envelope.Attempt, ["Route"] = envelope.Route,
        });
        using var activity = LeadTracing.StartProcess(envelope);
        activity?.SetTag("lead.destination", Names(targets));
        activity?.SetTag("lead.route", envelope.Route);
        if (lead.IsTestLead && _options.TestLeads == TestLeadHandling.Skip)
        {
            LogTestLeadSkipped(envelope.LeadId);
            activity?.SetTag("lead.outcome", "skipped");
            return;
        }

        var delivery = new LeadDelivery(envelope.LeadId, lead, envelope.ReceivedAt, envelope.Attempt);
        var outcomes = await Task.WhenAll(targets.Select(d => d.DeliverAsync(delivery, cancellationToken))).ConfigureAwait(false);
        activity?.SetTag("lead.outcome", string.Join(",", outcomes.Select(o => o.GetType().Name).Distinct()));

        var retries = new List<(ILeadDestination Destination, DeliveryOutcome.RetryLater Retry)>();
        foreach (var (destination, outcome) in targets.Zip(outcomes))
        {
            switch (outcome)
            {
                case DeliveryOutcome.Delivered delivered:
                    await journal.RecordAsync(new DeliveryRecord(envelope.LeadId, destination.Name, time.GetUtcNow(), envelope.ReceivedAt,
                        envelope.Attempt, delivered.AlreadyThere), cancellationToken)
                        .ConfigureAwait(false);
                    var latency = time.GetUtcNow() - envelope.ReceivedAt;
                    metrics.Delivered(destination.Name, delivered.AlreadyThere, latency);
                    LogDelivered(envelope.LeadId, destination.Name, delivered.AlreadyThere, envelope.Attempt, new(lead.OfferTitle),
                        new(lead.ActionCode), new(lead.Customer.Country), latency.TotalSeconds);
                    break;

                case DeliveryOutcome.CannotDeliver cannot:
                    await PoisonAsync(message, envelope with { Destinations = Only(envelope, targets, [destination]) }, cannot.Failure,
                        cancellationToken).ConfigureAwait(false);
                    break;

                case DeliveryOutcome.RetryLater retry:
                    retries.Add((destination, retry));
                    break;
            }
        }

        if (retries.Count > 0)
        {
            var next = envelope with { Destinations = Only(envelope, targets, retries.Select(r => r.Destination).ToList()) };
            await RescheduleAsync(message, next, retries.Select(r => r.Retry).ToList(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The destinations for a message to <paramref name="some"/>: unchanged (null) when that is all of them.</summary>
    private static IReadOnlyList<string>? Only(LeadEnvelope envelope, IReadOnlyList<ILeadDestination> all, List<ILeadDestination> some) =>
        some.Count == all.Count ? envelope.Destinations : some.Select(d => d.Name).ToList();

    /// <summary>One retry for several destinations: the longest wait any asked for, and every failure in the reason.</summary>
    private static DeliveryOutcome.RetryLater Combine(IReadOnlyList<DeliveryOutcome.RetryLater> retries)
    {
        if (retries.Count == 1) return retries[0];
        var first = retries[0].Failure;
        var failure = first with
        {
            Destination = string.Join(", ", retries.Select(r => r.Failure.Destination)),
            Message = string.Join("; ", retries.Select(r => r.Failure.ToString())),
        };
        return new DeliveryOutcome.RetryLater(failure, retries.Max(r => r.RetryAfter));
    }

    private static string Names(IEnumerable<ILeadDestination> targets) => string.Join(", ", targets.Select(d => d.Name));

    private async Task RescheduleAsync(QueuedMessage message, LeadEnvelope envelope, IReadOnlyList<DeliveryOutcome.RetryLater> retries,
        CancellationToken cancellationToken)
    {
        var retry = Combine(retries);
        var now = time.GetUtcNow();
        var age = now - envelope.DeliveryStartedAt;
        if (age >= _options.MaxAge)
        {
            var gaveUp = retry.Failure with { Message = $"Gave up after {envelope.Attempt} attempts over {age:g} (maximum age " +
                $"{_options.MaxAge:g}); last error: {retry.Failure.Message}" };
            await PoisonAsync(message, envelope, gaveUp, cancellationToken).ConfigureAwait(false);
            return;
        }

        const string step = "retry";
        if (!await settlements.TakeAsync(message, envelope.LeadId, step, cancellationToken).ConfigureAwait(false)) return;

        var delay = RetrySchedule.DelayAfter(envelope.Attempt, retry.RetryAfter, _options);
        var next = envelope with
        {
            Attempt = envelope.Attempt + 1,
            LastError = retry.Failure with { Kind = "retry", At = now },
            RetryAt = now + delay,
        };

        // Durable before this one is deleted; a crash in between leaves two copies, made one by the create-once key.
        await queue.SendAsync(next, delay, cancellationToken).ConfigureAwait(false);
        foreach (var each in retries) metrics.Retried(each.Failure.Destination, each.Failure.Status);
        LogRescheduled(envelope.LeadId, envelope.Attempt, delay, LogText.Of(retry.Failure.ToString(), LogText.ReasonLength)!);
        await settlements.DoneAsync(message, step, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the lead to the poison queue with the reason, once for all copies of <paramref name="message"/>.</summary>
    private async Task PoisonAsync(QueuedMessage message, LeadEnvelope envelope, DeliveryFailure failure, CancellationToken cancellationToken)
    {
        var step = $"poison {failure.Destination}";
        if (!await settlements.TakeAsync(message, envelope.LeadId, step, cancellationToken).ConfigureAwait(false)) return;
        var poisoned = envelope with { LastError = failure with { Kind = "poison", At = time.GetUtcNow() } };
        await queue.SendToPoisonAsync(poisoned.ToJson(), cancellationToken).ConfigureAwait(false);
        metrics.Poisoned(failure.Destination, failure.Code);
        LogPoisoned(envelope.LeadId, envelope.Attempt, LogText.Of(failure.ToString(), LogText.ReasonLength)!);
        await settlements.DoneAsync(message, step, cancellationToken).ConfigureAwait(false);
    }

    // LatencySeconds (202 to the destination) is what the workbook's p50/p95 query reads (infra/app/pipeline.workbook.json).
    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} delivered to {Destination} (already there: {AlreadyThere}, attempt " +
        "{Attempt}; offer {OfferTitle}, action {ActionCode}, country {Country}; {LatencySeconds} s after it was accepted)")]
    private partial void LogDelivered(string leadId, string destination, bool alreadyThere, int attempt, LoggedValue offerTitle,
        LoggedValue actionCode, LoggedValue country, double latencySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lead {LeadId} attempt {Attempt} failed transiently; retrying in {Delay}: {Failure}")]
    private partial void LogRescheduled(string leadId, int attempt, TimeSpan delay, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lead {LeadId} moved to the poison queue after attempt {Attempt}: {Failure}")]
    private partial void LogPoisoned(string leadId, int attempt, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} is a Partner Center test lead; skipped (Delivery__TestLeads=Skip)")]
    private partial void LogTestLeadSkipped(string leadId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} is not a lead envelope; moved to the poison queue as it is, with " +
        "the reason: {Reason}")]
    private partial void LogUnreadableMessage(string? messageId, string? reason);
}
