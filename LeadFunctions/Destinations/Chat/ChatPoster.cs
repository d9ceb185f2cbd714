using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Chat;

/// <summary>What Teams and Slack do alike: post one message through the sent marks, and hand a refusal to the service's classifier.</summary>
public sealed class ChatPoster(string name, string postPath, string sentTable, DestinationThrottle throttle, TimeProvider time, LeadStorage storage,
    ILogger logger)
{
    private readonly ChatSentMarks _marks = new(storage, sentTable, name, logger);

    /// <summary>What a retry after a lost answer does, for the timeout reason.</summary>
    public const string AfterTimeout = "The message may have been posted meanwhile: the next attempt posts it again (a chat cannot drop repeats).";

    /// <param name="classify">The service's reading of a refusal: status, the answer's text, and the wait it asked for.</param>
    public Task<DeliveryOutcome> PostAsync(HttpClient http, LeadDelivery delivery, JsonNode payload,
        Func<int, string?, TimeSpan?, DeliveryOutcome> classify, CancellationToken cancellationToken) =>
        _marks.PostOnceAsync(delivery, async () =>
        {
            using var request = CrmRequests.Json(HttpMethod.Post, postPath, payload);
            request.Options.Set(TracedPath.Key, "/{webhook}"); // the path is the webhook's secret
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return new DeliveryOutcome.Delivered(AlreadyThere: false);
            var status = (int)response.StatusCode;
            var body = await CrmAnswer.FailureBodyAsync(response, cancellationToken).ConfigureAwait(false);
            return classify(status, body, CrmAnswer.RetryAfter(response, time) ?? (status == 429 ? throttle.Remaining : null));
        }, cancellationToken);
}
