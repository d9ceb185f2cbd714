using LeadFunctions.Leads;

namespace LeadFunctions.Destinations;

/// <summary>How one delivery attempt ended (docs/design.md, "Delivery outcomes"). Every attempt ends in exactly one of these.</summary>
public abstract record DeliveryOutcome
{
    private DeliveryOutcome()
    {
    }

    /// <summary>The destination has the lead, either now or from an earlier attempt.</summary>
    public sealed record Delivered(bool AlreadyThere) : DeliveryOutcome;

    /// <summary>A transient failure (timeout, throttling, outage): try again later, no sooner than <paramref name="RetryAfter"/>.</summary>
    public sealed record RetryLater(DeliveryFailure Failure, TimeSpan? RetryAfter = null) : DeliveryOutcome;

    /// <summary>A permanent failure: retrying cannot help; the lead goes to the poison queue with the reason.</summary>
    public sealed record CannotDeliver(DeliveryFailure Failure) : DeliveryOutcome;
}
