using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Webhook;

/// <summary>No bearer token: each request is authenticated by its signature (<see cref="WebhookSigning"/>), so the slot stays empty.</summary>
public sealed class WebhookToken : IBearerToken
{
    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    public ValueTask<string?> RenewAsync(string? rejected, HttpResponseMessage refusal, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(null);
}
