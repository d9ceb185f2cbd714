using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Storage;

namespace LeadFunctions.Destinations.Teams;

/// <summary>
/// Each new lead as one Teams message (an Adaptive Card) posted to a Workflows webhook trigger, once per lead as far as a chat can
/// promise it (<see cref="ChatSentMarks"/>; docs/destinations.md, "Teams and Slack").
/// </summary>
public sealed class TeamsProtocol(
    TeamsSettings settings, [FromKeyedServices(TeamsProtocol.Name)] DestinationThrottle throttle, TimeProvider time, LeadStorage storage,
    ILogger<TeamsProtocol> logger) : ICrmProtocol
{
    public const string Name = "Teams";

    private readonly ChatPoster _poster = new(Name, settings.PostPath.ToString(), settings.SentTable, throttle, time, storage, logger);

    public string AfterTimeout => ChatPoster.AfterTimeout;

    /// <summary>None: every request to a webhook posts a message.</summary>
    public HttpRequestMessage? HealthProbe() => null;

    public Task<DeliveryOutcome> SendAsync(HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken) =>
        _poster.PostAsync(http, delivery, TeamsCard.Payload(ChatMessage.From(record)),
            (status, body, wait) => TeamsFailures.Classify(status, body, wait, FieldMapping.TextValues(record)), cancellationToken);

    public ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TeamsFailures.IsTransient((int)response.StatusCode));
}
