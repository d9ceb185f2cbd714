using System.Net.Http.Headers;
using System.Text.Json;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>The OData error body Dataverse answers with, <c>{"error":{"code","message"}}</c>. The code is often empty or <c>0x0</c>.</summary>
public sealed record DataverseError(string? Code, string? Message)
{
    public static DataverseError None { get; } = new(null, null);

    /// <summary>Reads the error of a failed response; the body is buffered, so it can be read again.</summary>
    public static async Task<DataverseError> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return None;
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return Parse(text);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            return None;
        }
    }

    public static DataverseError Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return None;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return None;
            }

            return new DataverseError(Text(error, "code"), Text(error, "message"));
        }
        catch (JsonException)
        {
            return None;
        }
    }

    /// <summary>The wait a response asks for (<c>Retry-After</c> as seconds or as a date), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => RetryAfter(response.Headers.RetryAfter, time);

    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta > TimeSpan.Zero ? delta : TimeSpan.Zero,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
