namespace LeadFunctions.Delivery;

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

/// <summary>Why a delivery failed: status, error code and the destination's message. Never lead data.</summary>
public sealed record DeliveryFailure(string Destination, int? Status, string? Code, string Message)
{
    /// <summary>"retry" (transient, re-scheduled) or "poison" (permanent, or gave up).</summary>
    public string? Kind { get; init; }

    public DateTimeOffset? At { get; init; }

    public override string ToString() =>
        $"{Destination}: {(Status is { } s ? $"HTTP {s} " : "")}{(string.IsNullOrEmpty(Code) ? "" : $"[{Code}] ")}{Message}";
}
