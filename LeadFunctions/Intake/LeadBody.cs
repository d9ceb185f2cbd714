using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace LeadFunctions.Intake;

/// <summary>Reads a request body up to a limit, without ever buffering more than the limit.</summary>
public static class LeadBody
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return null;

        // Kestrel then stops reading at the limit too, instead of draining the rest of an oversized body.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (read == 0) return buffer.WrittenSpan.ToArray();
                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes) return null;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    /// <summary>JSON, or no content type at all (lenient: a lead is never refused for a missing header).</summary>
    public static bool IsJsonOrUnspecified(HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.ContentType)) return true;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)) return false;
        var type = mediaType.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/json", StringComparison.OrdinalIgnoreCase);
    }
}
