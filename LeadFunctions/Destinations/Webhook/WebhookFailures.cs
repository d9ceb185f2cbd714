using LeadFunctions.Destinations.Http;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Webhook;

/// <summary>
/// What a receiver's answer means for the lead: <c>408</c>, <c>429</c> and <c>5xx</c> are transient, <c>410 Gone</c> asks
/// us to stop, any other answer outside 2xx is permanent with a short, cleaned excerpt of its body (docs/destinations.md).
/// </summary>
public static class WebhookFailures
{
    /// <summary>The longest excerpt of a receiver's answer a reason carries.</summary>
    public const int ExcerptLength = 200;

    public static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    /// <param name="body">The answer's body, if read.</param>
    /// <param name="sentValues">The lead's values we sent, cut from the excerpt: a receiver may echo them.</param>
    public static DeliveryOutcome Classify(int status, string? body, TimeSpan? retryAfter, IEnumerable<string>? sentValues = null)
    {
        var excerpt = LogText.Of(CrmAnswer.Redact(Flat(body), sentValues), ExcerptLength);
        var answered = string.IsNullOrEmpty(excerpt) ? $"The receiver answered {status}." : $"The receiver answered {status}: {excerpt}";
        if (IsTransient(status))
        {
            return new DeliveryOutcome.RetryLater(new DeliveryFailure(WebhookProtocol.Name, status, Code(status), answered), retryAfter);
        }

        var advice = status == 410
            ? "The receiver asked to stop receiving leads (410 Gone): set Destinations__Webhook__Url to a receiver that takes them, then " +
              "replay the poison queue."
            : "Fix the receiver (or Destinations__Webhook__Url, __Secret, __Mapping), then replay the poison queue.";
        return new DeliveryOutcome.CannotDeliver(new DeliveryFailure(WebhookProtocol.Name, status, Code(status), $"{answered} {advice}"));
    }

    /// <summary>At most the first 4 KB of a failed answer's body as text; null when it cannot be read (never the whole of a huge body).</summary>
    public static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[4096];
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                return Encoding.UTF8.GetString(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException
                                      or OperationCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            return null;
        }
    }

    private static string? Code(int status) => status switch
    {
        410 => "Gone",
        429 => "Throttled",
        408 => "Timeout",
        >= 500 => "ServerError",
        _ => "Refused",
    };

    private static string Flat(string? body) => string.Join(' ', (body ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
