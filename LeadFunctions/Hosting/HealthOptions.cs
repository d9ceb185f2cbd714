namespace LeadFunctions.Hosting;

/// <summary>Settings of the health endpoints (<c>Health__…</c>).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>How long one probe of the destinations answers every health request (30 s to 60 s spares the CRM's quota).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Health__ProbeInterval must be positive (and at most a day).")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);
}
