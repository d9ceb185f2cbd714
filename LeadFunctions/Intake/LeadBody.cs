using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Connections;
using Microsoft.Net.Http.Headers;

namespace LeadFunctions.Intake;

/// <summary>Never past the limit; a broken or hostile client's body becomes a <see cref="BodyFailure"/>, not an exception.</summary>
public static class LeadBody
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public static async Task<BodyRead> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return BodyRead.Failed(BodyFailure.TooLarge);

        // Kestrel then stops reading at the limit too, instead of draining the rest of an oversized body.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (read == 0) return new BodyRead(buffer.WrittenSpan.ToArray(), BodyFailure.None);
                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes) return BodyRead.Failed(BodyFailure.TooLarge);
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's verdict on the request itself: too large, too slow (MinRequestBodyDataRate), or malformed.
            return BodyRead.Failed(e.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => BodyFailure.TooLarge,
                StatusCodes.Status408RequestTimeout => BodyFailure.TooSlow,
                _ => BodyFailure.Malformed,
            });
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or OperationCanceledException
            && cancellationToken.IsCancellationRequested)
        {
            return BodyRead.Failed(BodyFailure.Aborted);
        }
    }

    /// <summary>Refused (415), not decoded: a small body could expand past every size limit.</summary>
    public static bool HasContentCoding(HttpRequest request) =>
        request.Headers.ContentEncoding.SelectMany(v => (v ?? "").Split(','))
            .Select(c => c.Trim())
            .Any(c => c.Length > 0 && !c.Equals("identity", StringComparison.OrdinalIgnoreCase));

    /// <summary>Lenient: a lead is never refused for a missing content type.</summary>
    public static bool IsJsonOrUnspecified(HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.ContentType)) return true;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)) return false;
        var type = mediaType.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The declared <c>charset</c> (UTF-8 when none, RFC 8259); null for one this app does not read: refused, not misread.</summary>
    public static string? DeclaredCharset(HttpRequest request)
    {
        var charset = MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ? mediaType.Charset.Value?.Trim('"') : null;
        return string.IsNullOrEmpty(charset) ? "UTF-8" : charset.ToUpperInvariant() switch
        {
            "UTF-8" or "UTF8" or "US-ASCII" or "ASCII" => "UTF-8",
            "UTF-16" or "UTF-16LE" or "UTF-16BE" or "UTF-32" or "UTF-32LE" or "UTF-32BE" => charset.ToUpperInvariant(),
            "ISO-8859-1" or "LATIN1" => "ISO-8859-1",
            _ => null,
        };
    }

    /// <summary>UTF-8 without a byte-order mark (RFC 8259 lets a parser ignore one); null when the bytes are not valid in it.</summary>
    public static byte[]? ToUtf8(byte[] body, string charset)
    {
        if (charset == "UTF-8") return body.AsSpan().StartsWith(Utf8Bom) ? body[Utf8Bom.Length..] : body;
        try
        {
            var text = Decoder(body, charset).GetString(body);
            return Encoding.UTF8.GetBytes(text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>A strict decoder; UTF-16 and UTF-32 without LE/BE follow the byte-order mark, else big-endian (RFC 2781).</summary>
    private static Encoding Decoder(byte[] body, string charset)
    {
        bool LittleEndianMark(int width) => body.Length >= width && body[0] == 0xFF && body[1] == 0xFE &&
            (width == 2 || (body[2] == 0 && body[3] == 0));
        return charset switch
        {
            "UTF-16LE" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
            "UTF-16BE" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
            "UTF-16" => new UnicodeEncoding(bigEndian: !LittleEndianMark(2), byteOrderMark: true, throwOnInvalidBytes: true),
            "UTF-32LE" => new UTF32Encoding(bigEndian: false, byteOrderMark: true, throwOnInvalidCharacters: true),
            "UTF-32BE" => new UTF32Encoding(bigEndian: true, byteOrderMark: true, throwOnInvalidCharacters: true),
            "UTF-32" => new UTF32Encoding(bigEndian: !LittleEndianMark(4), byteOrderMark: true, throwOnInvalidCharacters: true),
            _ => Encoding.Latin1,
        };
    }
}
