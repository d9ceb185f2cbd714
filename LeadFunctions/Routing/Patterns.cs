using System.IO.Enumeration;

namespace LeadFunctions.Routing;

/// <summary>A condition's patterns: <c>;</c>-separated, <c>*</c> and <c>?</c> as wildcards, any case; none means "any".</summary>
public sealed class Patterns
{
    private readonly string[] _patterns;

    private Patterns(string[] patterns) => _patterns = patterns;

    public static Patterns? Parse(string? text)
    {
        var patterns = Split(text);
        return patterns.Length == 0 ? null : new Patterns(patterns);
    }

    public static string[] Split(string? text) =>
        (text ?? "").Split([';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>True when a pattern matches one of the values (an absent value counts as empty text).</summary>
    public bool MatchesAny(string? first, string? second = null, string? third = null)
    {
        foreach (var pattern in _patterns)
        {
            if (Matches(pattern, first) || (second is not null && Matches(pattern, second)) || (third is not null && Matches(pattern, third)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(string pattern, string? value) =>
        FileSystemName.MatchesSimpleExpression(pattern, (value ?? "").Trim(), ignoreCase: true);
}
