using LeadFunctions.Telemetry;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Leads;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>
/// Creates each lead as a HubSpot contact exactly once, keyed by the lead id in a unique contact property (default
/// <c>marketplace_lead_id</c>):
/// <list type="number">
/// <item><c>GET /crm/v3/objects/contacts/{leadId}?idProperty=…</c> — a read by a unique property, consistent at once
/// (unlike the search API, whose index lags): found means delivered, and nothing is written;</item>
/// <item><c>POST /crm/v3/objects/contacts/batch/upsert</c> with that property as <c>idProperty</c>: creates the contact
/// (<c>new: true</c>), or — if another delivery of the lead created it in between — matches it (<c>new: false</c>):
/// never a second contact;</item>
/// <item>a <c>409</c> "Contact already exists. Existing ID: …" means the e-mail address belongs to another contact:
/// <c>OnExistingContact=Delivered</c> counts the lead as delivered, <c>Update</c> writes the lead's properties to it;</item>
/// <item>for a do-not-contact lead (with <c>DoNotContactOptOut</c>), <c>POST /communication-preferences/v4/statuses/{email}/unsubscribe-all</c>
/// opts its e-mail address out of all e-mail — after the contact exists, and again on every later delivery of the lead
/// (it changes nothing the second time), so a lead counts as delivered only once its address is opted out.</item>
/// </list>
/// </summary>
public sealed class HubSpotDestination(
    HubSpotSettings settings,
    [FromKeyedServices(HubSpotFailures.Destination)] DestinationThrottle throttle,
    IHttpClientFactory httpClientFactory,
    TimeProvider time) : CrmDestination(settings, throttle, httpClientFactory)
{
    private const string Contacts = "crm/v3/objects/contacts";

    /// <summary>Reads one contact: needs a valid token with the contacts read scope.</summary>
    protected override HttpRequestMessage HealthProbe() => new(HttpMethod.Get, $"{Contacts}?limit=1&properties=hs_object_id");

    protected override async Task<DeliveryOutcome> SendAsync(LeadDelivery delivery, CancellationToken cancellationToken)
    {
        var properties = Map(delivery);
        var sent = FieldMapping.TextValues(properties);
        var outcome = await CreateOnceAsync(delivery, properties, sent, cancellationToken).ConfigureAwait(false);
        return outcome is DeliveryOutcome.Delivered && OptOutAddress(delivery, properties) is { } email
            ? await OptOutAsync(email, sent, cancellationToken).ConfigureAwait(false) ?? outcome
            : outcome;
    }

    /// <summary>The contact for this lead: found by its lead id, else created (or the contact that has its e-mail address).</summary>
    private async Task<DeliveryOutcome> CreateOnceAsync(LeadDelivery delivery, JsonObject properties, List<string> sent, CancellationToken cancellationToken)
    {
        var idProperty = settings.LeadIdProperty;
        using (var find = new HttpRequestMessage(HttpMethod.Get, $"{Contacts}/{Uri.EscapeDataString(delivery.LeadId)}?idProperty={idProperty}&properties={idProperty}"))
        using (var found = await Http.SendAsync(find, cancellationToken).ConfigureAwait(false))
        {
            if (found.IsSuccessStatusCode) return new DeliveryOutcome.Delivered(AlreadyThere: true);
            if ((int)found.StatusCode != 404) return await FailureAsync(found, sent, cancellationToken).ConfigureAwait(false);
        }

        var upsert = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["idProperty"] = idProperty, ["id"] = delivery.LeadId, ["properties"] = properties.DeepClone() }),
        };
        using var request = CrmRequests.Json(HttpMethod.Post, $"{Contacts}/batch/upsert", upsert);
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var isNew = result.RootElement.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array && results.GetArrayLength() == 1 &&
                        results[0].TryGetProperty("new", out var created) && created.ValueKind == JsonValueKind.True;
            return new DeliveryOutcome.Delivered(AlreadyThere: !isNew);
        }

        var error = await HubSpotError.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode == 409 && error.ExistingContactId is { } existing)
        {
            return settings.Options.OnExistingContact == ExistingContact.Update
                ? await UpdateAsync(existing, properties, sent, cancellationToken).ConfigureAwait(false)
                : new DeliveryOutcome.Delivered(AlreadyThere: true);
        }

        return Classify(response, error, sent);
    }

    /// <summary>The e-mail address to opt out: a do-not-contact lead's, as sent to HubSpot, when <c>DoNotContactOptOut</c> is on.</summary>
    private string? OptOutAddress(LeadDelivery delivery, JsonObject properties) =>
        delivery.Lead.DoNotContact && settings.Options.DoNotContactOptOut && properties["email"] is JsonValue email && email.TryGetValue(out string? address) && address.Length > 0
            ? address
            : null;

    /// <summary>Opts the address out of all e-mail (HubSpot's "Opted out of all email"); null when done, else the failure.</summary>
    private async Task<DeliveryOutcome?> OptOutAsync(string email, List<string> sent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"communication-preferences/v4/statuses/{Uri.EscapeDataString(email)}/unsubscribe-all?channel=EMAIL");
        request.Options.Set(TracedPath.Key, "/communication-preferences/v4/statuses/{email}/unsubscribe-all");
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return null;
        var error = await HubSpotError.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        return Classify(response, error with { OptOut = true }, sent);
    }

    /// <summary>Writes the lead's properties to the contact that has its e-mail address; that contact keeps its own lead id.</summary>
    private async Task<DeliveryOutcome> UpdateAsync(string contactId, JsonObject properties, List<string> sent, CancellationToken cancellationToken)
    {
        using var request = CrmRequests.Json(HttpMethod.Patch, $"{Contacts}/{Uri.EscapeDataString(contactId)}", new JsonObject { ["properties"] = properties.DeepClone() });
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? new DeliveryOutcome.Delivered(AlreadyThere: true)
            : await FailureAsync(response, sent, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeliveryOutcome> FailureAsync(HttpResponseMessage response, List<string> sent, CancellationToken cancellationToken) =>
        Classify(response, await HubSpotError.ReadAsync(response, cancellationToken).ConfigureAwait(false), sent);

    private DeliveryOutcome Classify(HttpResponseMessage response, HubSpotError error, List<string> sent)
    {
        var status = (int)response.StatusCode;
        var retryAfter = CrmAnswer.RetryAfter(response, time) ?? (status == 429 ? Throttle.Remaining : null);
        if (status == 429 && string.Equals(error.PolicyName, "DAILY", StringComparison.OrdinalIgnoreCase))
        {
            // The account's daily limit: every worker stops for a while instead of drawing more 429s.
            Throttle.Pause(HubSpotFailures.DailyLimitWait);
            retryAfter = HubSpotFailures.DailyLimitWait;
        }

        return HubSpotFailures.Classify(status, error, retryAfter, sent);
    }
}
