using System.Net;
using System.Net.Http.Headers;
using LeadFunctions.Destinations.Limits;

namespace LeadFunctions.Destinations.Http;

/// <summary>
/// Runs once per HTTP attempt, inside the resilience handler's retries: adds the bearer token, renews it once when the
/// CRM answers <c>401</c> (a second <c>401</c> is permanent: docs/dataverse.md, "What failures look like"), and tells the destination's shared
/// <see cref="DestinationThrottle"/> what the server said (its gate and pace are waited for before each attempt, by
/// <see cref="PaceStrategy"/>). Destinations add what their servers say beyond <c>429</c> +
/// <c>Retry-After</c> and success by overriding <see cref="Observe"/> and <see cref="Succeeded"/>.
/// </summary>
public class CrmRequestHandler(IBearerToken token, DestinationThrottle throttle, TimeProvider time) : DelegatingHandler
{
    protected DestinationThrottle Throttle => throttle;

    protected TimeProvider Time => time;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bearer = await token.GetAsync(cancellationToken).ConfigureAwait(false);
        Authorize(request, bearer);
        var sentAt = time.GetUtcNow();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        if (response.StatusCode == HttpStatusCode.Unauthorized &&
            await token.RenewAsync(bearer, response, cancellationToken).ConfigureAwait(false) is { } fresh)
        {
            // Expired or revoked: one fresh token, one more try.
            response.Dispose();
            Authorize(request, fresh);
            sentAt = time.GetUtcNow();
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        Observe(response, sentAt);
        return response;
    }

    /// <summary>
    /// Tells the throttle about one answer: a <c>429</c> closes the gate for its <c>Retry-After</c> (and teaches the
    /// pace); any other answer counts against the server's limit from when it was sent (<paramref name="sentAt"/>: the
    /// server admitted it then, however late the answer is read), and a success towards ramping up.
    /// </summary>
    protected virtual void Observe(HttpResponseMessage response, DateTimeOffset sentAt)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throttle.Throttled(CrmAnswer.RetryAfter(response, time) ?? ThrottledWithoutRetryAfter(response));
        }
        else
        {
            throttle.Answered(Succeeded(response), sentAt);
        }
    }

    /// <summary>Whether the server handled the request without trouble (counts towards sending more at once).</summary>
    protected virtual bool Succeeded(HttpResponseMessage response) => response.IsSuccessStatusCode;

    /// <summary>How long to hold everyone after a <c>429</c> that names no wait.</summary>
    protected virtual TimeSpan ThrottledWithoutRetryAfter(HttpResponseMessage response) => TimeSpan.FromSeconds(1);

    private static void Authorize(HttpRequestMessage request, string? bearer) =>
        request.Headers.Authorization = bearer is null ? null : new AuthenticationHeaderValue("Bearer", bearer);
}
