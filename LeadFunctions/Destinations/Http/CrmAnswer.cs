using System.Net.Http.Headers;

namespace LeadFunctions.Destinations.Http;

/// <summary>What HTTP answers have in common (a CRM's, and the lead endpoint's to the CLI): the wait they ask for, safe error text.</summary>
public static class CrmAnswer
{
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => RetryAfter(response.Headers.RetryAfter, time);

    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta > TimeSpan.Zero ? delta : TimeSpan.Zero,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The body of a failed response, buffered so it can be read again; null when it cannot be read.</summary>
    public static async Task<string?> FailureBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return null;
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException
                                      or OperationCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            return null;
        }
    }

    /// <summary>Removes every value we sent (3 characters or more, as sent and JSON-escaped) from a server message: no lead data in logs.</summary>
    public static string Redact(string message, IEnumerable<string>? sentValues)
    {
        if (sentValues is null || message.Length == 0) return message;
        var forms = sentValues.Where(v => v.Length >= 3).SelectMany(v => new[] { v, JsonEncodedText.Encode(v).Value }).Distinct();
        foreach (var value in forms.OrderByDescending(v => v.Length))
        {
            message = message.Replace(value, "[value]", StringComparison.OrdinalIgnoreCase);
        }

        return message;
    }

    /// <summary>A CRM's JSON error body as <paramref name="read"/> reads it; <paramref name="none"/> when empty, not JSON or no error.</summary>
    public static T ParseError<T>(string? body, Func<JsonElement, T?> read, T none)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(body)) return none;
        try
        {
            using var document = JsonDocument.Parse(body);
            return read(document.RootElement) ?? none;
        }
        catch (JsonException)
        {
            return none;
        }
    }

    public static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String &&
        value.GetString() is { Length: > 0 } text
            ? text
            : null;
}
