using System.Collections.Concurrent;

namespace LeadFunctions.Telemetry;

/// <summary>Each value a billed series any key holder controls: bounded (docs/operate.md, "Pipeline metrics").</summary>
internal sealed class BoundedDimension
{
    public const int MaxLength = 40;

    public const int MaxValues = 30;

    public const string None = "none";

    public const string Other = "other";

    // Keyed case-insensitively; the value is the spelling first seen, so "ins" and "INS" stay one series.
    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.OrdinalIgnoreCase);

    public string Of(string? raw)
    {
        if (raw is null) return None;
        if (raw.Contains('@', StringComparison.Ordinal)) return Other;

        var clean = new StringBuilder(Math.Min(raw.Length, MaxLength));
        foreach (var c in raw.Trim())
        {
            if (clean.Length == MaxLength) break;
            if (char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '-' or '_') clean.Append(c);
        }

        var value = clean.ToString().Trim();
        if (value.Length == 0) return None;
        if (_seen.TryGetValue(value, out var known)) return known;
        return _seen.Count < MaxValues ? _seen.GetOrAdd(value, value) : Other;
    }
}
