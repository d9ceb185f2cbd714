using LeadFunctions.Leads;

namespace LeadFunctions.Intake;

/// <summary>A body of repeated names cannot make an answer many times its size (docs/design.md, "Endpoint answers").</summary>
public static class AnswerBounds
{
    /// <summary>The most notes (in a <c>202</c>) or errors (in a <c>400</c>) one answer lists.</summary>
    public const int MaxListed = 16;

    /// <summary>The longest path or message one listed note or error carries.</summary>
    public const int MaxTextLength = 160;

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
