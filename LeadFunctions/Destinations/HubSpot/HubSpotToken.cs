using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>A private app's access token: it does not expire, so a <c>401</c> is not renewed (the token was rotated or revoked).</summary>
public sealed class HubSpotToken(HubSpotSettings settings) : IBearerToken
{
    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(settings.Options.AccessToken);

    public ValueTask<string?> RenewAsync(string? rejected, HttpResponseMessage refusal, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(null);
}
