using System.Globalization;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>
/// The per-attempt handler of the HubSpot client: the private app's token (<see cref="HubSpotToken"/>; a <c>401</c>
/// stands, there is nothing to renew), and HubSpot's rate-limit headers — when <c>X-HubSpot-RateLimit-Remaining</c>
/// reaches 0, every worker waits out the <c>X-HubSpot-RateLimit-Interval-Milliseconds</c> window instead of drawing a
/// <c>429</c>; a <c>429</c> without <c>Retry-After</c> waits that window too.
/// </summary>
public sealed class HubSpotRequestHandler(HubSpotToken token, DestinationThrottle throttle, TimeProvider time) : CrmRequestHandler(token, throttle, time)
{
    public const string RemainingHeader = "X-HubSpot-RateLimit-Remaining";
    public const string IntervalHeader = "X-HubSpot-RateLimit-Interval-Milliseconds";

    /// <summary>HubSpot's burst window for private apps.</summary>
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    protected override void Observe(HttpResponseMessage response, DateTimeOffset sentAt)
    {
        if (Header(response, RemainingHeader) is 0) Throttle.Pause(Interval(response));
        base.Observe(response, sentAt);
    }

    protected override TimeSpan ThrottledWithoutRetryAfter(HttpResponseMessage response) => Interval(response);

    private static TimeSpan Interval(HttpResponseMessage response) =>
        Header(response, IntervalHeader) is { } milliseconds and > 0 ? TimeSpan.FromMilliseconds(milliseconds) : DefaultInterval;

    private static int? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

/// <summary>A private app's access token: it does not expire, so a <c>401</c> is not renewed (the token was rotated or revoked).</summary>
public sealed class HubSpotToken(HubSpotSettings settings) : IBearerToken
{
    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(settings.Options.AccessToken);

    public ValueTask<string?> RenewAsync(string? rejected, HttpResponseMessage refusal, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
