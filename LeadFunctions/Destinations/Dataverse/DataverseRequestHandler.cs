using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>
/// Runs once per HTTP attempt, inside the resilience handler's retries: adds the bearer token, refreshes it once
/// when Dataverse answers <c>401</c>, and tells the shared <see cref="DataverseThrottle"/> what the server said
/// (<c>429</c> + <c>Retry-After</c>, <c>x-ms-dop-hint</c>, success).
/// </summary>
public sealed class DataverseRequestHandler(DataverseToken token, DataverseThrottle throttle, TimeProvider time) : DelegatingHandler
{
    public const string DopHintHeader = "x-ms-dop-hint";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bearer = await token.GetAsync(cancellationToken).ConfigureAwait(false);
        Authorize(request, bearer);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        if (response.StatusCode == HttpStatusCode.Unauthorized && token.Enabled)
        {
            // Expired or revoked: one fresh token, one more try; a second 401 is permanent (DESIGN 3.4).
            var claims = ClaimsChallenge(response);
            response.Dispose();
            bearer = await token.GetAsync(cancellationToken, rejected: bearer, claims: claims).ConfigureAwait(false);
            Authorize(request, bearer);
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        Observe(response);
        return response;
    }

    private void Observe(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues(DopHintHeader, out var values) &&
            int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var hint))
        {
            throttle.AdoptHint(hint);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throttle.Throttled(DataverseError.RetryAfter(response, time) ?? TimeSpan.FromSeconds(1));
        }
        else if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            throttle.Succeeded();
        }
    }

    private static void Authorize(HttpRequestMessage request, string? bearer) =>
        request.Headers.Authorization = bearer is null ? null : new AuthenticationHeaderValue("Bearer", bearer);

    /// <summary>The <c>claims</c> of a <c>WWW-Authenticate: Bearer … claims="base64"</c> challenge (continuous access evaluation), decoded.</summary>
    private static string? ClaimsChallenge(HttpResponseMessage response)
    {
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            if (!string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) || challenge.Parameter is null) continue;
            foreach (var part in challenge.Parameter.Split(','))
            {
                var pair = part.Split('=', 2);
                if (pair.Length != 2 || !string.Equals(pair[0].Trim(), "claims", StringComparison.OrdinalIgnoreCase)) continue;
                try
                {
                    return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(pair[1].Trim().Trim('"')));
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }

        return null;
    }
}
