namespace LeadFunctions.Destinations.Chat;

/// <summary>
/// A webhook URL setting: absolute https with its path and query (plain http only on loopback, for tests and emulators).
/// The URL holds a secret, so a problem never repeats it, only what is wrong.
/// </summary>
public static partial class ChatUrl
{
    /// <summary>The problem with <paramref name="value"/> as <paramref name="setting"/>, naming it; null when usable.</summary>
    public static string? Problem(string setting, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value)) return $"{setting} is missing: set it to {what}.";
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return $"{setting} is not an absolute https URL: set it to {what}.";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            return $"{setting} must use https (plain http is only for local emulators on this machine).";
        }

        return url.AbsolutePath.Trim('/').Length == 0 ? $"{setting} has no path: give the whole URL, {what}." : null;
    }

    /// <summary>The problem with a table name setting (3–63 letters and digits, starting with a letter); null when usable.</summary>
    public static string? TableProblem(string setting, string? value) =>
        value is not null && TableName().IsMatch(value.Trim())
            ? null
            : $"{setting} '{value}' is not a table name (3 to 63 letters and digits, starting with a letter), e.g. LeadNotifications.";

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
