using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Leads;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>
/// Creates each lead as a Salesforce <c>Lead</c> exactly once, keyed by the lead id in a Lead field the admin creates:
/// <list type="bullet">
/// <item>With an External ID field (default <c>Marketplace_Lead_Id__c</c>): <c>GET sobjects/Lead/{field}/{leadId}</c>
/// first — found means delivered, and nothing is written, so a lead someone has already worked on is never
/// overwritten by a retry or a replay; then the upsert <c>PATCH sobjects/Lead/{field}/{leadId}</c>, which creates it
/// (<c>201</c>). Should another delivery of the same lead have created it in between, the upsert matches it instead
/// (<c>200</c>/<c>204</c>, delivered) with the same values: never a second record.</item>
/// <item>Without one (<c>LeadIdField</c>): SOQL for the lead id, then <c>POST sobjects/Lead</c> with it. If the field is
/// Unique, Salesforce refuses a second record (<c>DUPLICATE_VALUE</c>, counted as delivered).</item>
/// </list>
/// </summary>
public sealed class SalesforceDestination(
    SalesforceSettings settings,
    [FromKeyedServices(SalesforceFailures.Destination)] DestinationThrottle throttle,
    IHttpClientFactory httpClientFactory,
    TimeProvider time) : CrmDestination(settings, throttle, httpClientFactory)
{

    /// <summary>Reads the Lead object's basic information: needs a token and read access to Lead.</summary>
    protected override HttpRequestMessage HealthProbe() => new(HttpMethod.Get, "sobjects/Lead");

    protected override async Task<DeliveryOutcome> SendAsync(LeadDelivery delivery, CancellationToken cancellationToken)
    {
        var record = Map(delivery);
        var sent = FieldMapping.TextValues(record);
        var found = settings.UsesExternalId
            ? await FindByExternalIdAsync(delivery.LeadId, sent, cancellationToken).ConfigureAwait(false)
            : await FindByQueryAsync(delivery.LeadId, sent, cancellationToken).ConfigureAwait(false);
        if (found is not null) return found;

        using var request = settings.UsesExternalId
            ? CrmRequests.Json(HttpMethod.Patch, RecordPath(delivery.LeadId), record)
            : CrmRequests.Json(HttpMethod.Post, "sobjects/Lead", WithLeadId(record, delivery.LeadId));
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode switch
        {
            201 => new DeliveryOutcome.Delivered(AlreadyThere: false),
            200 or 204 => new DeliveryOutcome.Delivered(AlreadyThere: true), // created in between by another delivery of this lead
            var status => await FailureAsync(response, status, sent, cancellationToken).ConfigureAwait(false),
        };
    }

    protected override DeliveryOutcome? TokenFailure(Exception exception) => exception is SalesforceTokenException e
        ? Cannot(e.Status, e.Error, $"The Salesforce token endpoint refused the app: {LogText.FirstLine(e.Description)}. Check Destinations__Salesforce__ClientId and ClientSecret, " +
                                    "that the connected app enables the client credentials flow with a run-as user, and that Destinations__Salesforce__Url is the My Domain URL; then replay the poison queue.")
        : null;

    /// <summary>Delivered when a lead with this lead id exists; null when there is none yet.</summary>
    private async Task<DeliveryOutcome?> FindByExternalIdAsync(string leadId, List<string> sent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RecordPath(leadId) + "?fields=Id");
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status == 200) return new DeliveryOutcome.Delivered(AlreadyThere: true);
        if (status == 404)
        {
            // Not found, unless the field itself is missing: then the upsert says so in words.
            return null;
        }

        return await FailureAsync(response, status, sent, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeliveryOutcome?> FindByQueryAsync(string leadId, List<string> sent, CancellationToken cancellationToken)
    {
        var soql = $"SELECT Id FROM Lead WHERE {settings.LeadIdField} = '{Escape(leadId)}' LIMIT 2";
        using var request = new HttpRequestMessage(HttpMethod.Get, "query?q=" + Uri.EscapeDataString(soql));
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status != 200) return await FailureAsync(response, status, sent, cancellationToken).ConfigureAwait(false);

        using var result = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return result.RootElement.TryGetProperty("totalSize", out var total) ? total.GetInt32() switch
        {
            0 => null,
            1 => new DeliveryOutcome.Delivered(AlreadyThere: true),
            _ => Cannot(300, "MULTIPLE_RECORDS", $"Several leads have this lead id in {settings.LeadIdField}: merge them in Salesforce, then replay the poison queue."),
        } : Retry(status, "UnexpectedAnswer", "The SOQL answer had no totalSize.");
    }

    private async Task<DeliveryOutcome> FailureAsync(HttpResponseMessage response, int status, List<string> sent, CancellationToken cancellationToken)
    {
        var error = await SalesforceError.ReadAsync(response, cancellationToken).ConfigureAwait(false);

        // Another delivery of this lead created it in the meantime: a Unique lead-id field refused the second one.
        if (status == 400 && error.Code == SalesforceFailures.DuplicateValue &&
            (error.Fields.Contains(settings.LeadIdField, StringComparer.OrdinalIgnoreCase) || error.Message?.Contains(settings.LeadIdField, StringComparison.OrdinalIgnoreCase) == true))
        {
            return new DeliveryOutcome.Delivered(AlreadyThere: true);
        }

        var retryAfter = CrmAnswer.RetryAfter(response, time);
        if (error.Code == SalesforceFailures.RequestLimitExceeded)
        {
            // The org's API limit is a rolling 24-hour count: every worker stops for a while (and comes back slower) instead of spending more of it.
            Throttle.Throttled(settings.Options.RequestLimitWait);
            retryAfter = settings.Options.RequestLimitWait;
        }

        return SalesforceFailures.Classify(status, error, retryAfter ?? (status == 429 ? Throttle.Remaining : null), sent);
    }

    private string RecordPath(string leadId) => $"sobjects/Lead/{settings.LeadIdField}/{Uri.EscapeDataString(leadId)}";

    private JsonObject WithLeadId(JsonObject record, string leadId)
    {
        record[settings.LeadIdField] = leadId;
        return record;
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
}
