namespace LeadFunctions.Hosting.Standalone;

/// <summary>Settings that only standalone mode has (<c>Standalone__…</c>); the queue trigger's settings come from host.json.</summary>
public sealed class StandaloneOptions
{
    public const string Section = "Standalone";

    public bool ProcessQueue { get; set; } = true;

    /// <summary>How long a message being processed stays invisible; renewed at half-time. The Functions host uses 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Standalone__MessageLease must be 1 second to 7 days.")]
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The shortest wait between polls of an empty queue; it doubles up to host.json's <c>maxPollingInterval</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "Standalone__MinPollingInterval must be positive (and at most an hour).")]
    public TimeSpan MinPollingInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the pipeline gauges are recorded (Functions mode: every minute, by RecordGauges); zero turns them off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Standalone__GaugeInterval must be 0 (off) to a day.")]
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromMinutes(1);
}
