using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Webhook;

/// <summary>
/// Each lead as one signed <c>POST</c> of a versioned JSON body to the receiver (docs/destinations.md, "Webhook"). The
/// receiver drops repeats by <c>webhook-id</c>, the lead id, so whether it had the lead already is unknowable here.
/// </summary>
public sealed class WebhookProtocol(
    WebhookSettings settings, [FromKeyedServices(WebhookProtocol.Name)] DestinationThrottle throttle, TimeProvider time) : ICrmProtocol
{
    public const string Name = "Webhook";
    public const string EventType = "lead.received";
    public const int Version = 1;

    /// <summary>What traces show instead of the URL's path, which often is the receiver's secret.</summary>
    public const string TracedPathText = "/{webhook}";

    /// <summary>None: every request to a receiver would post something.</summary>
    public HttpRequestMessage? HealthProbe() => null;

    public string? AfterTimeout => "The receiver may have it already: the next attempt sends the same webhook-id, so it can drop the repeat.";

    public async Task<DeliveryOutcome> SendAsync(HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken)
    {
        using var request = CrmRequests.Json(HttpMethod.Post, settings.Endpoint.AbsoluteUri, Body(delivery, record));
        request.Headers.TryAddWithoutValidation(WebhookSigning.IdHeader, delivery.LeadId); // signed per attempt by WebhookSigning
        request.Options.Set(TracedPath.Key, TracedPathText);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return new DeliveryOutcome.Delivered(AlreadyThere: false);

        var status = (int)response.StatusCode;
        var retryAfter = CrmAnswer.RetryAfter(response, time) ?? (status == 429 ? throttle.Remaining : null);
        var excerpt = await WebhookFailures.ExcerptAsync(response, cancellationToken).ConfigureAwait(false);
        return WebhookFailures.Classify(status, excerpt, retryAfter, FieldMapping.TextValues(record));
    }

    public ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult(WebhookFailures.IsTransient((int)response.StatusCode));

    /// <summary>The body: <c>{"type","version","id","timestamp","data"}</c>; the same on every attempt, so a repeat is a true repeat.</summary>
    public static JsonObject Body(LeadDelivery delivery, JsonObject data) => new()
    {
        ["type"] = EventType,
        ["version"] = Version,
        ["id"] = delivery.LeadId,
        ["timestamp"] = delivery.ReceivedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["data"] = data,
    };
}
