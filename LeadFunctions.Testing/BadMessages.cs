using System.Text;

namespace LeadFunctions.Testing;

/// <summary>
/// Queue messages an outside probe put on the queues (issue 23): one that is not in the configured encoding, an
/// envelope whose lead cannot be written as JSON again, and one whose values carry line breaks, escape sequences and a
/// 2,000-character id. Their texts are plain ASCII, so storage takes them as they are.
/// </summary>
public static class BadMessages
{
    /// <summary>Not base64: put on a queue with a client that does not encode.</summary>
    public const string NotEncoded = "plain text, not base64!";

    /// <summary>What a forged line would start with, were a value printed raw.</summary>
    public const string Forged = "fail LeadProcessor: forged";

    /// <summary>An envelope whose lead holds a lone surrogate escape: readable JSON, but not text that can be written again.</summary>
    public static string UnwritableLead(string leadId = "0123456789abcdef0123456789abcdef") =>
        "{\"v\":1,\"leadId\":\"" + leadId + "\",\"receivedAt\":\"2026-12-01T08:00:00+00:00\",\"attempt\":1," +
        "\"lead\":{\"UserDetails\":{\"FirstName\":\"A\\ud800\",\"LastName\":\"Lone\"},\"OfferTitle\":\"Surrogate\"}}";

    /// <summary>An envelope whose lead id, error and fields hold CR, LF, ESC sequences and a 2,000-character run.</summary>
    public static string ControlCharacters()
    {
        var control = $@"\r\n12:00:00 {Forged}\u001b[2J\u001b[31m";
        var longRun = new string('a', 2_000);
        var envelope = new StringBuilder();
        envelope.Append($$"""{"v":1,"leadId":"0123456789abcdef0123456789abcdef{{control}}{{longRun}}","receivedAt":"{{DateTimeOffset.UtcNow:O}}","attempt":2,""");
        envelope.Append("\"lead\":{\"UserDetails\":{\"LastName\":\"Esc" + control + "\"},\"OfferTitle\":\"Offer" + control + "\",\"ActionCode\":\"" + control + "\"},");
        envelope.Append("\"lastError\":{\"destination\":\"Table" + control + "\",\"status\":503,\"code\":\"E" + control + "\",\"message\":\"down" + control + longRun + "\",\"kind\":\"retry" + control + "\"}}");
        return envelope.ToString();
    }

    /// <summary>Characters that must never reach a log line or the CLI's output raw: C0 and C1 controls (CR, ESC…), DEL, and lone surrogates.</summary>
    public static IEnumerable<char> RawControls(string text, bool allowLineFeed)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' && allowLineFeed) continue;
            if (char.IsControl(c)) yield return c;
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c)) yield return c;
        }
    }
}
