using System.Text.Json;

namespace LeadFunctions.Cli.Import;

/// <summary>
/// Values a spreadsheet would run as a formula when a CRM export of the lead is opened (CSV injection): those whose
/// first character, after any leading whitespace such as tab or CR, is <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c>, as
/// OWASP lists them. The import refuses them rather than altering them (docs/operate.md says why). Except a
/// <c>+</c> or <c>-</c> followed by nothing but digits, spaces and <c>( ) . / - +</c>: a phone number
/// (<c>+1 425 555 0100</c>), a number or a dash placeholder, which has no letter to name a function, a cell or a
/// program, so a spreadsheet can at most do arithmetic with it.
/// </summary>
internal static class SpreadsheetFormula
{
    private const string Triggers = "=+-@";

    /// <summary>The character that makes <paramref name="value"/> a formula, or null when a spreadsheet would show it as it is.</summary>
    public static char? Trigger(string value)
    {
        var text = value.AsSpan().TrimStart();
        if (text.IsEmpty || !Triggers.Contains(text[0], StringComparison.Ordinal)) return null;
        return text[0] is '+' or '-' && IsNumberOrPhone(text[1..]) ? null : text[0];
    }

    /// <summary>Why a value is refused, naming its field and the character, never the value.</summary>
    public static string Problem(string field, char trigger) =>
        $"the {field} value starts with '{trigger}', which a spreadsheet would run as a formula (see docs/operate.md).";

    /// <summary>The problem of the first string in <paramref name="element"/> that is a formula, named by its path
    /// (<c>UserDetails.LastName</c>), or null.</summary>
    public static string? ProblemIn(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when Trigger(element.GetString()!) is { } trigger:
                return Problem(path.Length == 0 ? "JSON" : path, trigger);
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (ProblemIn(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}") is { } problem) return problem;
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (ProblemIn(item, $"{path}[{index++}]") is { } problem) return problem;
                }

                break;
        }

        return null;
    }

    private static bool IsNumberOrPhone(ReadOnlySpan<char> rest)
    {
        foreach (var c in rest)
        {
            if (!char.IsAsciiDigit(c) && c is not (' ' or '(' or ')' or '.' or '/' or '-' or '+')) return false;
        }

        return true;
    }
}
