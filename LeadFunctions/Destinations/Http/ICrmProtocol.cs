namespace LeadFunctions.Destinations.Http;

/// <summary>
/// What one CRM does its own way, given to <see cref="CrmDestination{TProtocol}"/> and <see cref="CrmRequestHandler"/>:
/// its requests and what its answers mean (docs/design.md, D8).
/// </summary>
public interface ICrmProtocol
{
    /// <summary>Creates the lead's record (<paramref name="record"/>, as mapped) once, and classifies the answer; within a slot.</summary>
    Task<DeliveryOutcome> SendAsync(HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken);

    /// <summary>
    /// A cheap request that needs the same access as a delivery, for the health endpoint; null where every request would
    /// post something (a webhook, a chat): health then reports the settings usable and sends nothing.
    /// </summary>
    HttpRequestMessage? HealthProbe();

    /// <summary>What a retry after a lost answer finds, for the timeout reason; null for the general sentence.</summary>
    string? AfterTimeout => null;

    /// <summary>The outcome of an exception getting a token, or null when <paramref name="exception"/> is not one.</summary>
    DeliveryOutcome? TokenFailure(Exception exception) => null;

    /// <summary>Whether an error answer may succeed when the same request is sent again in process.</summary>
    ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken);

    /// <summary>Tells the throttle what an answer says beyond <c>429</c> and <c>Retry-After</c>; once per attempt.</summary>
    void Observe(HttpResponseMessage response)
    {
    }

    /// <summary>Whether the server handled the request without trouble (counts towards sending more at once).</summary>
    bool Succeeded(HttpResponseMessage response) => response.IsSuccessStatusCode;

    /// <summary>How long to hold everyone after a <c>429</c> that names no wait.</summary>
    TimeSpan ThrottledWithoutRetryAfter(HttpResponseMessage response) => TimeSpan.FromSeconds(1);
}
