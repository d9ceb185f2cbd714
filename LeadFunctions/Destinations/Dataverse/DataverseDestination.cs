using Azure.Identity;
using LeadFunctions.Leads;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Mapping;
using Microsoft.Identity.Client;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>
/// Creates each lead as a Dataverse <c>lead</c> record exactly once (docs/design.md, "Exactly once"): the record id is the v5 UUID of
/// the lead id and the write is a create-only upsert, so a retry after a lost answer finds the record (<c>412</c>)
/// instead of making a second one. Transient failures are retried in process by the HTTP client's resilience
/// handler, then handed back as <see cref="DeliveryOutcome.RetryLater"/>; the shared <see cref="DestinationThrottle"/>
/// keeps every worker within the service-protection limits.
/// </summary>
public sealed class DataverseDestination(
    DataverseSettings settings,
    [FromKeyedServices(DataverseDestination.HttpClientName)] DestinationThrottle throttle,
    IHttpClientFactory httpClientFactory,
    TimeProvider time) : CrmDestination(settings, throttle, httpClientFactory)
{
    public const string HttpClientName = DataverseFailures.Destination;

    protected override string AfterTimeout => "If Dataverse created the record meanwhile, the next attempt finds it (412).";

    /// <summary>Healthy when <c>WhoAmI</c> answers: the URL is right, a token is granted and the application user exists.</summary>
    protected override HttpRequestMessage HealthProbe() => DataverseRequests.WhoAmI();

    protected override async Task<DeliveryOutcome> SendAsync(LeadDelivery delivery, CancellationToken cancellationToken)
    {
        var record = Map(delivery);
        using var request = DataverseRequests.CreateLead(NameBasedUuid.ForLead(delivery.LeadId), record, settings.Options.SuppressDuplicateDetection);
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var error = await DataverseError.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        var retryAfter = CrmAnswer.RetryAfter(response, time) ?? (status == 429 ? Throttle.Remaining : null);
        return DataverseFailures.Classify(status, error, retryAfter, FieldMapping.TextValues(record));
    }

    protected override DeliveryOutcome? TokenFailure(Exception exception) => exception switch
    {
        CredentialUnavailableException e => Retry(null, "CredentialUnavailable", $"No token for {settings.Scope}: {LogText.FirstLine(e.Message)}"),

        // Entra refused the app itself (wrong secret, unknown client or tenant): retrying cannot help.
        AuthenticationFailedException { InnerException: MsalServiceException { StatusCode: 400 or 401 } msal } => Cannot(msal.StatusCode, msal.ErrorCode,
            $"Entra ID refused the token request for {settings.Scope}: {LogText.FirstLine(msal.Message)} Check Destinations__Dataverse__TenantId, ClientId and ClientSecret, then replay the poison queue."),
        AuthenticationFailedException e => Retry(null, "TokenUnavailable", $"No token for {settings.Scope}: {LogText.FirstLine(e.Message)}"),
        _ => null,
    };
}
