using System.Text.Encodings.Web;

namespace LeadFunctions.Leads;

/// <summary>Escapes only what RFC 8259 requires, plus U+2028/U+2029 (the relaxed encoder escapes beyond the BMP).</summary>
public sealed class ReadableJsonEncoder : JavaScriptEncoder
{
    public static ReadableJsonEncoder Instance { get; } = new();

    private ReadableJsonEncoder()
    {
    }

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
