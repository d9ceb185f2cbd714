namespace LeadFunctions.Intake;

/// <summary>Settings of ReceiveLead (<c>Intake__…</c>).</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>Standalone mode only: <c>;</c>-separated, so a new key can be added before the old one is removed.</summary>
    public string? Keys { get; set; }

    /// <summary>The largest body accepted, in bytes (real leads are under 2 KiB).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Intake__MaxBodyBytes must be positive.")]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Seconds a caller is asked to wait (<c>Retry-After</c>) when the lead could not be stored.</summary>
    [Range(0, 86_400, ErrorMessage = "Intake__RetryAfterSeconds must be 0 to 86400.")]
    public int RetryAfterSeconds { get; set; } = 30;
}
