using System.Collections.Concurrent;
using System.Text;

namespace LeadFunctions.Telemetry;

/// <summary>
/// One metric dimension whose values come from leads (offer, source, action). They are not personal data, but they
/// are free text that any sender holding the key controls, and every distinct value is a time series that Azure
/// Monitor counts and bills: so a value keeps only letters, digits, space and <c>.-_</c>, is cut to
/// <see cref="MaxLength"/> characters, is <see cref="None"/> when empty, and becomes <see cref="Other"/> when it has an
/// '@' (it may be an address) or once this process has seen <see cref="MaxValues"/> distinct values (docs/operate.md,
/// "Pipeline metrics").
/// </summary>
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
