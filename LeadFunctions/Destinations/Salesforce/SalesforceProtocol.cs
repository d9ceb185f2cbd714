using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>Looked up by a lead-id field, then upserted or created (docs/destinations.md, "How a lead becomes one Lead").</summary>
public sealed class SalesforceProtocol(
    SalesforceSettings settings, [FromKeyedServices(SalesforceProtocol.Name)] DestinationThrottle throttle, TimeProvider time) : ICrmProtocol
{
    public const string Name = "Salesforce";

    private readonly string _leadIdField = settings.LeadIdField;

    public HttpRequestMessage HealthProbe() => new(HttpMethod.Get, "sobjects/Lead");

    public async Task<DeliveryOutcome> SendAsync(HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken)
    {
        var sent = FieldMapping.TextValues(record);
        var found = settings.UsesExternalId
            ? await FindByExternalIdAsync(http, delivery.LeadId, sent, cancellationToken).ConfigureAwait(false)
            : await FindByQueryAsync(http, delivery.LeadId, sent, cancellationToken).ConfigureAwait(false);
        if (found is not null) return found;

        if (!settings.UsesExternalId) record[_leadIdField] = delivery.LeadId;
        using var request = settings.UsesExternalId
            ? CrmRequests.Json(HttpMethod.Patch, RecordPath(delivery.LeadId), record)
            : CrmRequests.Json(HttpMethod.Post, "sobjects/Lead", record);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode switch
        {
            201 => new DeliveryOutcome.Delivered(AlreadyThere: false),
            200 or 204 => new DeliveryOutcome.Delivered(AlreadyThere: true), // created in between by another delivery of this lead
            var status => await FailureAsync(response, status, sent, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>In process, only what clears in seconds: not the org's API request limit (that is re-scheduled through the queue).</summary>
    public async ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = status == 400 ? await SalesforceError.ReadAsync(response, cancellationToken).ConfigureAwait(false) : SalesforceError.None;
        return status != 403 && SalesforceFailures.IsTransient(status, error.Code);
    }

    public DeliveryOutcome? TokenFailure(Exception exception) => exception is SalesforceTokenException e
        ? new DeliveryOutcome.CannotDeliver(new DeliveryFailure(Name, e.Status, e.Error,
            $"The Salesforce token endpoint refused the app: {LogText.FirstLine(e.Description)}. Check Destinations__Salesforce__ClientId and " +
                "ClientSecret, " +
                "that the connected app enables the client credentials flow with a run-as user, and that Destinations__Salesforce__Url is the My " +
                "Domain URL; then replay the poison queue."))
        : null;

    /// <summary>Delivered when a lead with this lead id exists; null when there is none yet (or the field is missing: the upsert says so).</summary>
    private async Task<DeliveryOutcome?> FindByExternalIdAsync(HttpClient http, string leadId, List<string> sent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RecordPath(leadId) + "?fields=Id");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode switch
        {
            200 => new DeliveryOutcome.Delivered(AlreadyThere: true),
            404 => null,
            var status => await FailureAsync(response, status, sent, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<DeliveryOutcome?> FindByQueryAsync(HttpClient http, string leadId, List<string> sent, CancellationToken cancellationToken)
    {
        var soql = $"SELECT Id FROM Lead WHERE {_leadIdField} = '{Escape(leadId)}' LIMIT 2";
        using var request = new HttpRequestMessage(HttpMethod.Get, "query?q=" + Uri.EscapeDataString(soql));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status != 200) return await FailureAsync(response, status, sent, cancellationToken).ConfigureAwait(false);

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var result = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.RootElement.TryGetProperty("totalSize", out var total) ? total.GetInt32() switch
        {
            0 => null,
            1 => new DeliveryOutcome.Delivered(AlreadyThere: true),
            _ => new DeliveryOutcome.CannotDeliver(new DeliveryFailure(Name, 300, "MULTIPLE_RECORDS",
                $"Several leads have this lead id in {_leadIdField}: merge them in Salesforce, then replay the poison queue.")),
        } : new DeliveryOutcome.RetryLater(new DeliveryFailure(Name, status, "UnexpectedAnswer", "The SOQL answer had no totalSize."));
    }

    private async Task<DeliveryOutcome> FailureAsync(HttpResponseMessage response, int status, List<string> sent, CancellationToken cancellationToken)
    {
        var error = await SalesforceError.ReadAsync(response, cancellationToken).ConfigureAwait(false);

        // Another delivery of this lead created it in the meantime: a Unique lead-id field refused the second one.
        if (status == 400 && error.Code == SalesforceFailures.DuplicateValue &&
            (error.Fields.Contains(_leadIdField, StringComparer.OrdinalIgnoreCase) ||
             error.Message?.Contains(_leadIdField, StringComparison.OrdinalIgnoreCase) == true))
        {
            return new DeliveryOutcome.Delivered(AlreadyThere: true);
        }

        var retryAfter = CrmAnswer.RetryAfter(response, time);
        if (error.Code == SalesforceFailures.RequestLimitExceeded)
        {
            // The org's API limit is a rolling 24-hour count: every worker stops for a while (and comes back slower).
            throttle.Throttled(settings.Options.RequestLimitWait);
            retryAfter = settings.Options.RequestLimitWait;
        }

        return SalesforceFailures.Classify(status, error, retryAfter ?? (status == 429 ? throttle.Remaining : null), sent);
    }

    private string RecordPath(string leadId) => $"sobjects/Lead/{_leadIdField}/{Uri.EscapeDataString(leadId)}";

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
}
