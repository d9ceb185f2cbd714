namespace LeadFunctions.Leads;

/// <summary>Why a delivery failed: status, error code and the destination's message. Never lead data.</summary>
public sealed record DeliveryFailure(string Destination, int? Status, string? Code, string Message)
{
    /// <summary>"retry" (transient, re-scheduled) or "poison" (permanent, or gave up).</summary>
    public string? Kind { get; init; }

    public DateTimeOffset? At { get; init; }

    public override string ToString() =>
        $"{Destination}: {(Status is { } s ? $"HTTP {s} " : "")}{(string.IsNullOrEmpty(Code) ? "" : $"[{Code}] ")}{Message}";
}
