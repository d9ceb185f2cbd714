namespace LeadFunctions.Telemetry;

/// <summary>Bounded and cleaned, so no value can forge a log line, drive a terminal or flood the log.</summary>
public static class LogText
{
    /// <summary>The longest value a log line carries from a lead (offer titles and codes are short in practice).</summary>
    public const int LeadValueLength = 64;

    /// <summary>The longest failure reason a log line carries (the poison message keeps the whole reason).</summary>
    public const int ReasonLength = 500;

    public const int IdLength = 64;

    /// <summary>The longest message text the CLI shows (with <c>--include-lead-data</c>): a queue message is at most 64 KB.</summary>
    public const int MessageTextLength = 64 * 1024;

    public const char Replacement = '?';

    /// <summary>The first line of a message from outside, cleaned like <see cref="Of"/>, at most <see cref="ReasonLength"/>.</summary>
    public static string FirstLine(string? message) => Of(message?.Split('\n', 2)[0].Trim() ?? "", ReasonLength)!;

    public static string? Id(string? value) => Of(value, IdLength);

    public static string? Of(string? value, int maxLength = LeadValueLength)
    {
        if (value is null) return null;
        var text = new StringBuilder(Math.Min(value.Length, maxLength + 1));
        var elements = StringInfo.GetTextElementEnumerator(value);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            if (text.Length + element.Length > maxLength) return text.Append('…').ToString();
            for (var i = 0; i < element.Length; i++)
            {
                var c = element[i];
                if (char.IsHighSurrogate(c) && i + 1 < element.Length && char.IsLowSurrogate(element[i + 1]))
                {
                    text.Append(c).Append(element[++i]);   // a pair: one character outside the BMP
                    continue;
                }

                text.Append(IsSafe(c) ? c : Replacement);
            }
        }

        return text.ToString();
    }

    private static bool IsSafe(char c) => CharUnicodeInfo.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control => false,            // C0 (CR, LF, ESC), DEL, C1
        UnicodeCategory.Format => false,             // bidirectional overrides, zero-width characters
        UnicodeCategory.LineSeparator => false,      // U+2028
        UnicodeCategory.ParagraphSeparator => false, // U+2029
        UnicodeCategory.Surrogate => false,          // half of a pair without its other half: not text
        _ => true,
    };
}
