using LeadFunctions.Leads;

namespace LeadFunctions.Intake;

/// <summary>
/// Keeps the intake's answers small whatever the body holds (docs/design.md, "Endpoint answers"): at most
/// <see cref="MaxListed"/> notes or errors are listed, each path and message at most <see cref="MaxTextLength"/>
/// characters, and the answer counts what it left out. A body of repeated names cannot make an answer many times its size.
/// </summary>
public static class AnswerBounds
{
    /// <summary>The most notes (in a <c>202</c>) or errors (in a <c>400</c>) one answer lists.</summary>
    public const int MaxListed = 16;

    /// <summary>The longest path or message one listed note or error carries.</summary>
    public const int MaxTextLength = 160;

    /// <summary>The issues to list, each cut to <see cref="MaxTextLength"/>, and how many were left out.</summary>
    public static (IReadOnlyList<LeadFinding> Listed, int Omitted) Of(IReadOnlyList<LeadFinding> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var listed = issues.Take(MaxListed).Select(i => new LeadFinding(Cut(i.Path), Cut(i.Message))).ToList();
        return (listed, issues.Count - listed.Count);
    }

    private static string Cut(string text)
    {
        if (text.Length <= MaxTextLength) return text;
        var length = MaxTextLength - 1;
        if (char.IsHighSurrogate(text[length - 1])) length--;   // never half a pair
        return string.Concat(text.AsSpan(0, length), "…");
    }
}
