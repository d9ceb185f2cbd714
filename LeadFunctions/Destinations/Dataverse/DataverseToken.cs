using Azure.Core;
using Azure.Identity;
using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>Our own cache, so developer credentials (a CLI per call) are not asked per request.</summary>
public sealed class DataverseToken : IBearerToken, IDisposable
{
    /// <summary>Renew this long before a token expires, so no request leaves with a token about to lapse.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential? _credential;
    private readonly string[] _scopes;
    private readonly TokenCache _cache;

    public DataverseToken(TokenCredential? credential, string scope, TimeProvider time)
    {
        _credential = credential;
        _scopes = [scope];
        _cache = new TokenCache(time, Margin);
    }

    /// <summary>False when <c>Credential=None</c>: requests carry no token.</summary>
    public bool Enabled => _credential is not null;

    /// <summary>The credential <paramref name="options"/> name (null for <c>None</c>); invalid options are rejected before this is called.</summary>
    public static TokenCredential? CredentialFor(DataverseOptions options) => options.Credential switch
    {
        DataverseCredential.None => null,
        DataverseCredential.ClientSecret => new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret),
        _ => DefaultCredential(options),
    };

    /// <summary>Null ids would ask for a system-assigned identity the app does not have (docs/dataverse.md).</summary>
    private static DefaultAzureCredential DefaultCredential(DataverseOptions options)
    {
        var credential = new DefaultAzureCredentialOptions();
        if (!string.IsNullOrWhiteSpace(options.ClientId)) credential.ManagedIdentityClientId = options.ClientId;
        if (!string.IsNullOrWhiteSpace(options.TenantId)) credential.TenantId = options.TenantId;
        return new DefaultAzureCredential(credential);
    }

    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => FetchAsync(null, null, cancellationToken);

    /// <summary>A new token after a <c>401</c>, passing the server's claims challenge (continuous access evaluation) if it sent one.</summary>
    public ValueTask<string?> RenewAsync(string? rejected, HttpResponseMessage refusal, CancellationToken cancellationToken) =>
        _credential is null ? ValueTask.FromResult<string?>(null) : FetchAsync(rejected ?? "", ClaimsChallenge(refusal), cancellationToken);

    /// <summary>A token for the next request; with <paramref name="rejected"/>, a new one (unless another request already replaced it).</summary>
    private async ValueTask<string?> FetchAsync(string? rejected, string? claims, CancellationToken cancellationToken)
    {
        if (_credential is null) return null;
        return await _cache.GetAsync(async ct =>
        {
            var fresh = await _credential.GetTokenAsync(new TokenRequestContext(_scopes, claims: claims), ct).ConfigureAwait(false);
            return new FetchedToken(fresh.Token, fresh.ExpiresOn, fresh.RefreshOn);
        }, rejected, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>The <c>claims</c> of a <c>WWW-Authenticate: Bearer … claims="base64"</c> challenge, decoded (MSAL's own parser).</summary>
    private static string? ClaimsChallenge(HttpResponseMessage response)
    {
        try
        {
            return Microsoft.Identity.Client.WwwAuthenticateParameters.GetClaimChallengeFromResponseHeaders(response.Headers);
        }
        catch (FormatException)
        {
            return null; // a claims value that is not base64: ask for a token without it
        }
    }
}
