using System.Net;
using System.Net.Http.Headers;
using LeadFunctions.Destinations.Limits;

namespace LeadFunctions.Destinations.Http;

/// <summary>Once per HTTP attempt, inside the retries: the token (renewed once on a <c>401</c>), and the throttle told.</summary>
public sealed class CrmRequestHandler(IBearerToken token, DestinationThrottle throttle, TimeProvider time, ICrmProtocol protocol) : DelegatingHandler
{
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

    /// <summary>An answer counts from when it was sent: the server admitted it then, however late it is read.</summary>
    private void Observe(HttpResponseMessage response, DateTimeOffset sentAt)
    {
        protocol.Observe(response);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throttle.Throttled(CrmAnswer.RetryAfter(response, time) ?? protocol.ThrottledWithoutRetryAfter(response));
        }
        else
        {
            throttle.Answered(protocol.Succeeded(response), sentAt);
        }
    }

    private static void Authorize(HttpRequestMessage request, string? bearer) =>
        request.Headers.Authorization = bearer is null ? null : new AuthenticationHeaderValue("Bearer", bearer);
}
