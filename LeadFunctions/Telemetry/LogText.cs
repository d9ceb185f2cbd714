using System.Globalization;
using System.Text;

namespace LeadFunctions.Telemetry;

/// <summary>
/// Text that came from outside (a lead's offer title, a property name, a CRM's error message) as it may appear in a
/// log line or a span: bounded in length and with every control, format and line-separator character replaced, so
/// that no value can start a forged log line, drive a terminal with escape codes or flood the log.
/// </summary>
public static class LogText
{
    /// <summary>The longest value a log line carries from a lead (offer titles and codes are short in practice).</summary>
    public const int LeadValueLength = 64;

    /// <summary>The longest failure reason a log line carries (the poison message keeps the whole reason).</summary>
    public const int ReasonLength = 500;

    /// <summary>Stands in for each character that could change how a log line reads.</summary>
    public const char Replacement = '?';

    /// <summary>
    /// The first line of a message from outside (an exception's, a CRM's error), trimmed, cleaned like <see cref="Of"/>
    /// and at most <see cref="ReasonLength"/> characters: what a failure reason, a log line or an error shows of it.
    /// </summary>
    public static string FirstLine(string? message) => Of(message?.Split('\n', 2)[0].Trim() ?? "", ReasonLength)!;

    public static string? Of(string? value, int maxLength = LeadValueLength)
    {
        if (value is null) return null;
        var text = new StringBuilder(Math.Min(value.Length, maxLength + 1));
        var elements = StringInfo.GetTextElementEnumerator(value);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            if (text.Length + element.Length > maxLength) return text.Append('…').ToString();
            foreach (var c in element) text.Append(IsSafe(c) ? c : Replacement);
        }

        return text.ToString();
    }

    private static bool IsSafe(char c) => CharUnicodeInfo.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control => false,            // C0 (CR, LF, ESC), DEL, C1
        UnicodeCategory.Format => false,             // bidirectional overrides, zero-width characters
        UnicodeCategory.LineSeparator => false,      // U+2028
        UnicodeCategory.ParagraphSeparator => false, // U+2029
        _ => true,
    };
}

/// <summary>
/// A value taken from a lead for a log line, cleaned by <see cref="LogText.Of"/> only when the line is written (the
/// logger formats it, and exporters read it, through <see cref="ToString"/>).
/// </summary>
public readonly record struct LeadValue(string? Value)
{
    public override string ToString() => string.IsNullOrWhiteSpace(Value) ? "-" : LogText.Of(Value)!;
}
