namespace LeadFunctions.Destinations.Http;

/// <summary>
/// The settings every CRM reached over HTTPS has (<c>Crm__&lt;Destination&gt;__…</c>): how much is sent at once, how
/// long an attempt may take, in-process retries, and the field mapping in the shared format.
/// </summary>
public abstract class CrmHttpOptions
{
    /// <summary>At most this many requests in flight at once; lowered while the CRM throttles.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// At most this many requests in flight at once for all app instances together that share one CRM user (each
    /// instance claims its part through the fleet table, <c>Crm__Fleet__…</c>); 0: no limit beyond each instance's
    /// <see cref="MaxConcurrency"/>.
    /// </summary>
    public int FleetMaxConcurrency { get; set; }

    /// <summary>How long one HTTP attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one delivery may take with all its in-process retries; then the lead is re-scheduled through the queue.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>In-process retries of a transient failure (timeouts, 408, 429, 5xx, network) before the lead is re-scheduled.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>The first in-process retry delay; it grows exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a delivery waits in process when the CRM says "retry after" (429); a longer wait re-schedules the
    /// lead through the queue instead of holding it.
    /// </summary>
    public TimeSpan MaxThrottleWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Field mapping overrides, <c>Crm__&lt;Destination&gt;__Mapping__&lt;field&gt;</c>: a lead field path
    /// (<c>UserDetails.Email</c>), a template (<c>{OfferTitle} ({ActionCode})</c>), a constant (<c>=8</c>, <c>=Web</c>),
    /// or empty to remove a default field. See <see cref="Mapping.FieldMapping"/>.
    /// </summary>
    public Dictionary<string, string?> Mapping { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Maximum lengths of text fields, <c>Crm__&lt;Destination&gt;__MaxLength__&lt;field&gt;</c>; standard fields are known.</summary>
    public Dictionary<string, int> MaxLength { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// What is wrong with a CRM's base URL setting, if anything: it must be an absolute https URL without a path
    /// (plain http only on loopback, for local emulators); <paramref name="allowedPath"/> is a path tolerated anyway.
    /// </summary>
    public static string? UrlProblem(string setting, string? value, string what, string example, string? allowedPath = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return $"{setting} is missing: set it to {what}, e.g. {example}.";
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return $"{setting} '{value}' is not an absolute https URL such as {example}.";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback) return $"{setting} '{value}' must use https (plain http is only for local emulators on this machine).";
        return url.AbsolutePath.TrimEnd('/') is { Length: > 0 } path && !string.Equals(path, allowedPath?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            ? $"{setting} '{value}' has a path; give only {what}, e.g. {example}."
            : null;
    }

    /// <summary>
    /// Every problem with the shared settings, one sentence each naming the setting of <paramref name="destination"/>;
    /// <c>MaxConcurrency</c> may be at most <paramref name="maxConcurrency"/>, the CRM's <paramref name="limit"/>.
    /// </summary>
    public IEnumerable<string> SharedProblems(string destination, int maxConcurrency, string limit)
    {
        var prefix = $"Crm__{destination}__";
        if (MaxConcurrency < 1 || MaxConcurrency > maxConcurrency)
        {
            yield return $"{prefix}MaxConcurrency must be between 1 and {maxConcurrency} ({limit}); it is {MaxConcurrency}.";
        }

        if (FleetMaxConcurrency < 0) yield return $"{prefix}FleetMaxConcurrency must not be negative (0: no limit for all instances together).";
        if (Timeout <= TimeSpan.Zero) yield return $"{prefix}Timeout must be positive.";
        if (TotalTimeout < Timeout) yield return $"{prefix}TotalTimeout must be at least {prefix}Timeout.";
        if (Retries is < 0 or > 10) yield return $"{prefix}Retries must be between 0 and 10.";
        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(10)) yield return $"{prefix}RetryDelay must be between 0 and 10 minutes.";
        if (MaxThrottleWait < TimeSpan.Zero) yield return $"{prefix}MaxThrottleWait must not be negative.";
    }
}
