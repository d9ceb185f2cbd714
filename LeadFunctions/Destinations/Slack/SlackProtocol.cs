using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Slack;

/// <summary>
/// Each new lead as one Slack message (Block Kit) posted to an incoming webhook, once per lead as far as a chat can
/// promise it (<see cref="ChatSentMarks"/>; docs/destinations.md, "Teams and Slack").
/// </summary>
public sealed class SlackProtocol(
    SlackSettings settings, [FromKeyedServices(SlackProtocol.Name)] DestinationThrottle throttle, TimeProvider time, LeadStorage storage,
    ILogger<SlackProtocol> logger) : ICrmProtocol
{
    public const string Name = "Slack";

    private readonly ChatSentMarks _marks = new(storage, settings.SentTable, Name, logger);

    public string AfterTimeout => "The message may have been posted meanwhile: the next attempt posts it again (a chat cannot drop repeats).";

    /// <summary>None: every request to a webhook posts a message.</summary>
    public HttpRequestMessage? HealthProbe() => null;

    public Task<DeliveryOutcome> SendAsync(HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken) =>
        _marks.PostOnceAsync(delivery, async () =>
        {
            using var request = CrmRequests.Json(HttpMethod.Post, settings.PostPath.ToString(), SlackBlocks.Payload(ChatMessage.From(record)));
            request.Options.Set(TracedPath.Key, "/{webhook}"); // the path is the webhook's secret
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return new DeliveryOutcome.Delivered(AlreadyThere: false);
            var status = (int)response.StatusCode;
            var body = await CrmAnswer.FailureBodyAsync(response, cancellationToken).ConfigureAwait(false);
            return SlackFailures.Classify(status, body, CrmAnswer.RetryAfter(response, time) ?? (status == 429 ? throttle.Remaining : null));
        }, cancellationToken);

    public ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SlackFailures.IsTransient((int)response.StatusCode));
}
