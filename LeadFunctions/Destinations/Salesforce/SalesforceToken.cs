using System.Net;
using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>The answer says nothing about expiry: a token is used for <c>TokenLifetime</c>, a <c>401</c> renews it.</summary>
public sealed class SalesforceToken(SalesforceSettings settings, IHttpClientFactory httpClientFactory, TimeProvider time) : IBearerToken, IDisposable
{
    public const string HttpClientName = "Salesforce.Token";

    private readonly TokenCache _cache = new(time, TimeSpan.Zero);

    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken) =>
        await _cache.GetAsync(FetchAsync, null, cancellationToken).ConfigureAwait(false);

    public async ValueTask<string?> RenewAsync(string? rejected, HttpResponseMessage refusal, CancellationToken cancellationToken) =>
        await _cache.GetAsync(FetchAsync, rejected ?? "", cancellationToken).ConfigureAwait(false);

    public void Dispose() => _cache.Dispose();

    private async Task<FetchedToken> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.Options.ClientId ?? "",
                ["client_secret"] = settings.Options.ClientSecret ?? "",
            }),
        };
        HttpResponseMessage response;
        try
        {
            response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException timeout) when (!cancellationToken.IsCancellationRequested)
        {
            // The token client's timeout: as transient as a network error, so the delivery's retries apply.
            throw new HttpRequestException("The Salesforce token endpoint did not answer in time.", timeout, HttpStatusCode.RequestTimeout);
        }

        using var answer = response;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is 408 or 429 or >= 500) throw new HttpRequestException($"The Salesforce token endpoint answered " +
            $"{status}.", null, response.StatusCode);

        using var document = Parse(body);
        var root = document?.RootElement;
        if (response.StatusCode == HttpStatusCode.OK && root?.ValueKind == JsonValueKind.Object &&
            root.Value.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } accessToken)
        {
            var lifetime = root.Value.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : settings.Options.TokenLifetime;
            return new FetchedToken(accessToken, time.GetUtcNow() + lifetime);
        }

        var error = root?.ValueKind == JsonValueKind.Object && root.Value.TryGetProperty("error", out var e) ? e.GetString() : null;
        var description = root?.ValueKind == JsonValueKind.Object && root.Value.TryGetProperty("error_description", out var d) ? d.GetString() : null;
        throw new SalesforceTokenException(status, error, description);
    }

    private static JsonDocument? Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
