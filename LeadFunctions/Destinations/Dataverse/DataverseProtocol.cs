using LeadFunctions.Destinations.Limits;
using System.Net;
using System.Net.Http.Headers;
using Azure.Identity;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;
using Microsoft.Identity.Client;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>A create-only upsert by a v5 UUID: a retry finds the record (<c>412</c>) (docs/design.md "Exactly once").</summary>
public sealed class DataverseProtocol(
    DataverseSettings settings, [FromKeyedServices(DataverseProtocol.Name)] DestinationThrottle throttle, TimeProvider time) : ICrmProtocol
{
    public const string Name = "Dataverse";
    public const string DopHintHeader = "x-ms-dop-hint";

    private readonly bool _suppressDuplicateDetection = settings.Options.SuppressDuplicateDetection;

    public string AfterTimeout => "If Dataverse created the record meanwhile, the next attempt finds it (412).";

    /// <summary>Healthy when <c>WhoAmI</c> answers: the URL is right, a token is granted and the application user exists.</summary>
    public HttpRequestMessage HealthProbe() => WhoAmI();

    public async Task<DeliveryOutcome> SendAsync(HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken)
    {
        using var request = CreateLead(NameBasedUuid.ForLead(delivery.LeadId), record, _suppressDuplicateDetection);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300 or 412) return DataverseFailures.Classify(status, DataverseError.None, null);

        var error = await DataverseError.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        var retryAfter = CrmAnswer.RetryAfter(response, time) ?? (status == 429 ? throttle.Remaining : null);
        return DataverseFailures.Classify(status, error, retryAfter, FieldMapping.TextValues(record));
    }

    /// <summary>408, 429 and 5xx other than the permanent ones (duplicate detection is answered as 500).</summary>
    public async ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = status == 500 ? await DataverseError.ReadAsync(response, cancellationToken).ConfigureAwait(false) : DataverseError.None;
        return DataverseFailures.IsTransient(status, error.Code);
    }

    public DeliveryOutcome? TokenFailure(Exception exception) => exception switch
    {
        CredentialUnavailableException e => Retry("CredentialUnavailable", $"No token for {settings.Scope}: {LogText.FirstLine(e.Message)}"),

        // Entra refused the app itself (wrong secret, unknown client or tenant): retrying cannot help.
        AuthenticationFailedException { InnerException: MsalServiceException { StatusCode: 400 or 401 } msal } => new DeliveryOutcome.CannotDeliver(
            new DeliveryFailure(Name, msal.StatusCode, msal.ErrorCode,
                $"Entra ID refused the token request for {settings.Scope}: {LogText.FirstLine(msal.Message)} " +
                "Check Destinations__Dataverse__TenantId, ClientId and ClientSecret, then replay the poison queue.")),
        AuthenticationFailedException e => Retry("TokenUnavailable", $"No token for {settings.Scope}: {LogText.FirstLine(e.Message)}"),
        _ => null,
    };

    /// <summary>The server's <c>x-ms-dop-hint</c> caps the concurrency.</summary>
    public void Observe(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues(DopHintHeader, out var values) &&
            int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var hint))
        {
            throttle.AdoptHint(hint);
        }
    }

    /// <summary><c>412</c> (already there) is an answer the server gave without trouble.</summary>
    public bool Succeeded(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.PreconditionFailed || response.IsSuccessStatusCode;

    /// <summary><c>PATCH leads(id)</c> with <c>If-None-Match: *</c>: creates (<c>204</c>) or, when the id exists, answers <c>412</c>.</summary>
    public static HttpRequestMessage CreateLead(Guid leadId, JsonObject record, bool suppressDuplicateDetection)
    {
        var request = CrmRequests.Json(HttpMethod.Patch, $"leads({leadId:D})", record);
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        if (!suppressDuplicateDetection) request.Headers.Add("MSCRM.SuppressDuplicateDetection", "false");
        return WithODataHeaders(request);
    }

    public static HttpRequestMessage WhoAmI() => WithODataHeaders(new HttpRequestMessage(HttpMethod.Get, "WhoAmI"));

    private static HttpRequestMessage WithODataHeaders(HttpRequestMessage request)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add("OData-MaxVersion", "4.0");
        request.Headers.Add("OData-Version", "4.0");
        return request;
    }

    private static DeliveryOutcome.RetryLater Retry(string code, string message) => new(new DeliveryFailure(Name, null, code, message));
}
