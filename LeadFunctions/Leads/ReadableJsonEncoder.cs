using System.Text;
using System.Text.Encodings.Web;

namespace LeadFunctions.Leads;

/// <summary>
/// Escapes only what JSON itself requires (RFC 8259: the quotation mark, the reverse solidus and the control characters
/// U+0000–U+001F), plus U+2028 and U+2029, which older JavaScript readers take for line ends. Every other character —
/// Korean, Arabic, Chinese, emoji, combining marks — is written as itself, so the JSON a person reads is readable.
/// </summary>
/// <remarks>
/// System.Text.Json's own encoders escape every non-ASCII character (<see cref="JavaScriptEncoder.Default"/>) or, even
/// when relaxed (<see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>), every character outside the Basic
/// Multilingual Plane, such as emoji (dotnet/runtime#42847). The HTML-sensitive characters (&lt; &gt; &amp; ') are not
/// escaped: what the app writes is stored text and request bodies, never embedded in a web page.
/// </remarks>
public sealed class ReadableJsonEncoder : JavaScriptEncoder
{
    public static ReadableJsonEncoder Instance { get; } = new();

    private ReadableJsonEncoder()
    {
    }

    /// <summary>The longest escape this encoder writes for one character: <c>\uXXXX</c>.</summary>
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\' or 0x2028 or 0x2029;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
                continue;
            }

            // A lone surrogate is not text: the base encoder replaces it with U+FFFD.
            if (WillEncode(c) || char.IsSurrogate(c)) return i;
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            // Asked for a character that needs no escape (e.g. the U+FFFD that replaces a lone surrogate): write it as is.
            return new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        var escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => $"\\u{unicodeScalar:X4}",
        };
        numberOfCharactersWritten = 0;
        if (!escape.AsSpan().TryCopyTo(destination)) return false;
        numberOfCharactersWritten = escape.Length;
        return true;
    }
}
