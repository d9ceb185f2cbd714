using System.Text.Json.Nodes;
using Azure.Identity;
using LeadFunctions.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Identity.Client;
using Polly.Timeout;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>
/// Creates each lead as a Dataverse <c>lead</c> record exactly once (DESIGN 3.5): the record id is the v5 UUID of
/// the lead id and the write is a create-only upsert, so a retry after a lost answer finds the record (<c>412</c>)
/// instead of making a second one. Transient failures are retried in process by the HTTP client's resilience
/// handler, then handed back as <see cref="DeliveryOutcome.RetryLater"/>; the <see cref="DataverseThrottle"/>
/// keeps every worker within the service-protection limits.
/// </summary>
public sealed class DataverseDestination(
    DataverseSettings settings,
    DataverseThrottle throttle,
    IHttpClientFactory httpClientFactory,
    TimeProvider time) : ILeadDestination
{
    public const string HttpClientName = "Dataverse";

    public string Name => DataverseFailures.Destination;

    /// <summary>Healthy when <c>WhoAmI</c> answers: the URL is right, a token is granted and the application user exists.</summary>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (settings.Problem is { } problem) return HealthCheckResult.Unhealthy(problem);
        try
        {
            using var request = DataverseRequests.WhoAmI();
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Dataverse WhoAmI answered {(int)response.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or AuthenticationFailedException
                                      or OperationCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            return HealthCheckResult.Unhealthy($"Dataverse not reachable: {e.GetType().Name}.");
        }
    }

    public async Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery, CancellationToken cancellationToken)
    {
        if (settings.Problem is { } problem || settings.Mapping is not { } mapping)
        {
            return Cannot(null, "Configuration", $"{settings.Problem} Fix the settings, then replay the poison queue.");
        }

        var record = mapping.Map(delivery);
        var sentValues = TextValues(record);
        var options = settings.Options;

        using var slot = await throttle.EnterAsync(cancellationToken).ConfigureAwait(false);
        if (!await throttle.WaitForGateAsync(options.MaxThrottleWait, cancellationToken).ConfigureAwait(false))
        {
            // Another request was told to back off for longer than a delivery may wait: come back through the queue.
            return Retry(429, "Throttled", "Dataverse service protection asked this app to wait; the lead was not sent.", throttle.Remaining);
        }

        using var request = DataverseRequests.CreateLead(NameBasedUuid.ForLead(delivery.LeadId), record, options.SuppressDuplicateDetection);
        try
        {
            var http = httpClientFactory.CreateClient(HttpClientName);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var error = await DataverseError.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            var retryAfter = DataverseError.RetryAfter(response, time) ?? (status == 429 ? throttle.Remaining : null);
            return DataverseFailures.Classify(status, error, retryAfter, sentValues);
        }
        catch (TimeoutRejectedException)
        {
            return Retry(null, "Timeout",
                $"No answer within {options.Timeout:g} per attempt ({options.TotalTimeout:g} in all). If Dataverse created the record meanwhile, the next attempt finds it (412).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Retry(null, "Timeout", "The request was cancelled before Dataverse answered.");
        }
        catch (HttpRequestException e)
        {
            return Retry(null, e.HttpRequestError.ToString(), $"Dataverse is not reachable: {FirstLine((e.InnerException ?? e).Message)}");
        }
        catch (CredentialUnavailableException e)
        {
            return Retry(null, "CredentialUnavailable", $"No token for {settings.Scope}: {FirstLine(e.Message)}");
        }
        catch (AuthenticationFailedException e) when (e.InnerException is MsalServiceException { StatusCode: 400 or 401 } msal)
        {
            // Entra refused the app itself (wrong secret, unknown client or tenant): retrying cannot help.
            return Cannot(msal.StatusCode, msal.ErrorCode,
                $"Entra ID refused the token request for {settings.Scope}: {FirstLine(msal.Message)} Check Crm__Dataverse__TenantId, ClientId and ClientSecret, then replay the poison queue.");
        }
        catch (AuthenticationFailedException e)
        {
            return Retry(null, "TokenUnavailable", $"No token for {settings.Scope}: {FirstLine(e.Message)}");
        }
    }

    /// <summary>The text values of a record: they are cut out of any server message before it is logged or stored.</summary>
    private static List<string> TextValues(JsonObject record) =>
        record.Select(p => p.Value is JsonValue v && v.TryGetValue(out string? s) ? s : null).OfType<string>().ToList();

    private DeliveryOutcome.RetryLater Retry(int? status, string code, string message, TimeSpan? retryAfter = null) =>
        new(new DeliveryFailure(Name, status, code, message), retryAfter);

    private DeliveryOutcome.CannotDeliver Cannot(int? status, string code, string message) =>
        new(new DeliveryFailure(Name, status, code, message));

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
