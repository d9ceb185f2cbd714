using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Storage;

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

    private readonly ChatPoster _poster = new(Name, settings.PostPath.ToString(), settings.SentTable, throttle, time, storage, logger);

    public string AfterTimeout => ChatPoster.AfterTimeout;

    /// <summary>None: every request to a webhook posts a message.</summary>
    public HttpRequestMessage? HealthProbe() => null;

    public Task<DeliveryOutcome> SendAsync(HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken) =>
        _poster.PostAsync(http, delivery, SlackBlocks.Payload(ChatMessage.From(record)),
            SlackFailures.Classify, cancellationToken);

    public ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SlackFailures.IsTransient((int)response.StatusCode));
}
