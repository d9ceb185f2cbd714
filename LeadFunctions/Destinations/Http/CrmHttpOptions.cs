using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Http;

/// <summary>
/// The settings every CRM reached over HTTPS has (<c>Destinations__&lt;Destination&gt;__…</c>, docs/settings.md); a wrong
/// value is reported (<see cref="CrmSettings{TOptions}.Problem"/>), never stopping the app.
/// </summary>
public abstract class CrmHttpOptions : IValidatableObject
{
    /// <summary>At most this many requests in flight at once; lowered while the CRM throttles.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>At most this many requests in flight for all instances that share one CRM user (<c>Destinations__Fleet__…</c>); 0: none.</summary>
    public int FleetMaxConcurrency { get; set; }

    /// <summary>How long one HTTP attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one delivery may take with all its in-process retries; then the lead is re-scheduled through the queue.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>In-process retries of a transient failure (timeouts, 408, 429, 5xx, network) before the lead is re-scheduled.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>The first in-process retry delay; it grows exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest a delivery waits in process when the CRM says "retry after"; longer re-schedules the lead through the queue.</summary>
    public TimeSpan MaxThrottleWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Field mapping overrides, <c>Destinations__&lt;Destination&gt;__Mapping__&lt;field&gt;</c> (<see cref="FieldMapping"/>).</summary>
    public Dictionary<string, string?> Mapping { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Maximum text lengths, <c>Destinations__&lt;Destination&gt;__MaxLength__&lt;field&gt;</c>; standard fields' are known.</summary>
    public Dictionary<string, int> MaxLength { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name of the destination these settings are for (<c>Destinations__&lt;Name&gt;__…</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The highest <see cref="MaxConcurrency"/> the CRM allows, and the limit that says so.</summary>
    protected abstract (int Most, string Limit) ConcurrencyLimit { get; }

    /// <summary>The mapping these settings describe (once per start: it is parsed), or null and why not.</summary>
    public abstract FieldMapping? TryCreateMapping(out IReadOnlyList<string> problems);

    /// <summary>Every problem with the shared settings, one sentence each naming the setting; the CRM's own are checked by overrides.</summary>
    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var (most, limit) = ConcurrencyLimit;
        if (MaxConcurrency < 1 || MaxConcurrency > most)
        {
            yield return Shared(nameof(MaxConcurrency), $"must be between 1 and {most} ({limit}); it is {MaxConcurrency}.");
        }

        if (FleetMaxConcurrency < 0)
        {
            yield return Shared(nameof(FleetMaxConcurrency), "must not be negative (0: no limit for all instances together).");
        }

        if (Timeout <= TimeSpan.Zero) yield return Shared(nameof(Timeout), "must be positive.");
        if (TotalTimeout < Timeout) yield return Shared(nameof(TotalTimeout), $"must be at least {Setting(nameof(Timeout))}.");
        if (Retries is < 0 or > 10) yield return Shared(nameof(Retries), "must be between 0 and 10.");
        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(10))
        {
            yield return Shared(nameof(RetryDelay), "must be between 0 and 10 minutes.");
        }

        if (MaxThrottleWait < TimeSpan.Zero) yield return Shared(nameof(MaxThrottleWait), "must not be negative.");
    }

    /// <summary>The name of one of these settings as the app settings spell it, e.g. <c>Destinations__Dataverse__Timeout</c>.</summary>
    protected string Setting(string property) => $"Destinations__{Name}__{property}";

    protected static ValidationResult Problem(string sentence, string property) => new(sentence, [property]);

    /// <summary>The problem of one shared setting: its name, then <paramref name="what"/>.</summary>
    private ValidationResult Shared(string property, string what) => new($"{Setting(property)} {what}", [property]);
}
