using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>Read by a unique lead-id property, then upserted by it (docs/destinations.md, "HubSpot").</summary>
public sealed class HubSpotProtocol(
    HubSpotSettings settings, [FromKeyedServices(HubSpotProtocol.Name)] DestinationThrottle throttle, TimeProvider time) : ICrmProtocol
{
    public const string Name = "HubSpot";
    public const string RemainingHeader = "X-HubSpot-RateLimit-Remaining";
    public const string IntervalHeader = "X-HubSpot-RateLimit-Interval-Milliseconds";
    private const string Contacts = "crm/v3/objects/contacts";

    /// <summary>HubSpot's burst window for private apps.</summary>
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly string _idProperty = settings.LeadIdProperty;

    public HttpRequestMessage HealthProbe() => new(HttpMethod.Get, $"{Contacts}?limit=1&properties=hs_object_id");

    public async Task<DeliveryOutcome> SendAsync(HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken)
    {
        var outcome = await CreateOnceAsync(http, delivery, record, cancellationToken).ConfigureAwait(false);
        return outcome is DeliveryOutcome.Delivered && OptOutAddress(delivery, record) is { } email
            ? await OptOutAsync(http, email, record, cancellationToken).ConfigureAwait(false) ?? outcome
            : outcome;
    }

    public ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult(HubSpotFailures.IsTransient((int)response.StatusCode));

    /// <summary>When <c>X-HubSpot-RateLimit-Remaining</c> reaches 0, every worker waits out the window instead of drawing a <c>429</c>.</summary>
    public void Observe(HttpResponseMessage response)
    {
        if (Header(response, RemainingHeader) is 0) throttle.Pause(Interval(response));
    }

    public TimeSpan ThrottledWithoutRetryAfter(HttpResponseMessage response) => Interval(response);

    /// <summary>The contact for this lead: found by its lead id, else created (or the contact that has its e-mail address).</summary>
    private async Task<DeliveryOutcome> CreateOnceAsync(
        HttpClient http, LeadDelivery delivery, JsonObject record, CancellationToken cancellationToken)
    {
        var path = $"{Contacts}/{Uri.EscapeDataString(delivery.LeadId)}?idProperty={_idProperty}&properties={_idProperty}";
        using (var find = new HttpRequestMessage(HttpMethod.Get, path))
        using (var found = await http.SendAsync(find, cancellationToken).ConfigureAwait(false))
        {
            if (found.IsSuccessStatusCode) return new DeliveryOutcome.Delivered(AlreadyThere: true);
            if ((int)found.StatusCode != 404) return await FailureAsync(found, record, cancellationToken).ConfigureAwait(false);
        }

        var input = new JsonObject { ["idProperty"] = _idProperty, ["id"] = delivery.LeadId, ["properties"] = record };
        using var request = CrmRequests.Json(HttpMethod.Post, $"{Contacts}/batch/upsert", new JsonObject { ["inputs"] = new JsonArray(input) });
        input.Remove("properties"); // written into the request: the record is free for an update
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var result = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            var isNew = result.RootElement.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array &&
                        results.GetArrayLength() == 1 && results[0].TryGetProperty("new", out var created) && created.ValueKind == JsonValueKind.True;
            return new DeliveryOutcome.Delivered(AlreadyThere: !isNew);
        }

        var error = await HubSpotError.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode == 409 && error.ExistingContactId is { } existing)
        {
            return settings.Options.OnExistingContact == ExistingContact.Update
                ? await UpdateAsync(http, existing, record, cancellationToken).ConfigureAwait(false)
                : new DeliveryOutcome.Delivered(AlreadyThere: true);
        }

        return Classify(response, error, record);
    }

    /// <summary>The e-mail address to opt out: a do-not-contact lead's, as sent to HubSpot, when <c>DoNotContactOptOut</c> is on.</summary>
    private string? OptOutAddress(LeadDelivery delivery, JsonObject record) =>
        delivery.Lead.DoNotContact && settings.Options.DoNotContactOptOut &&
        record["email"] is JsonValue email && email.TryGetValue(out string? address) && address.Length > 0
            ? address
            : null;

    private async Task<DeliveryOutcome?> OptOutAsync(HttpClient http, string email, JsonObject record, CancellationToken cancellationToken)
    {
        var path = $"communication-preferences/v4/statuses/{Uri.EscapeDataString(email)}/unsubscribe-all?channel=EMAIL";
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Options.Set(TracedPath.Key, "/communication-preferences/v4/statuses/{email}/unsubscribe-all");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return null;
        var error = await HubSpotError.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        return Classify(response, error with { OptOut = true }, record);
    }

    private async Task<DeliveryOutcome> UpdateAsync(HttpClient http, string contactId, JsonObject record, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["properties"] = record };
        using var request = CrmRequests.Json(HttpMethod.Patch, $"{Contacts}/{Uri.EscapeDataString(contactId)}", body);
        body.Remove("properties");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? new DeliveryOutcome.Delivered(AlreadyThere: true)
            : await FailureAsync(response, record, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeliveryOutcome> FailureAsync(HttpResponseMessage response, JsonObject record, CancellationToken cancellationToken) =>
        Classify(response, await HubSpotError.ReadAsync(response, cancellationToken).ConfigureAwait(false), record);

    private DeliveryOutcome Classify(HttpResponseMessage response, HubSpotError error, JsonObject record)
    {
        var status = (int)response.StatusCode;
        var retryAfter = CrmAnswer.RetryAfter(response, time) ?? (status == 429 ? throttle.Remaining : null);
        if (status == 429 && string.Equals(error.PolicyName, "DAILY", StringComparison.OrdinalIgnoreCase))
        {
            // The account's daily limit: every worker stops for a while instead of drawing more 429s.
            throttle.Pause(HubSpotFailures.DailyLimitWait);
            retryAfter = HubSpotFailures.DailyLimitWait;
        }

        return HubSpotFailures.Classify(status, error, retryAfter, FieldMapping.TextValues(record));
    }

    private static TimeSpan Interval(HttpResponseMessage response) =>
        Header(response, IntervalHeader) is { } milliseconds and > 0 ? TimeSpan.FromMilliseconds(milliseconds) : DefaultInterval;

    private static int? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
