using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Chat;

/// <summary>A webhook needs no token: its URL carries the secret. Nothing is sent, and a <c>401</c> is not renewed.</summary>
public sealed class NoBearerToken : IBearerToken
{
    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    public ValueTask<string?> RenewAsync(string? rejected, HttpResponseMessage refusal, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(null);
}
