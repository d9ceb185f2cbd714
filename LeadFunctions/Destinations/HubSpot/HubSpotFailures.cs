using LeadFunctions.Destinations.Http;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>What a HubSpot answer means for the lead (docs/destinations.md, "Rate limits and failures").</summary>
public static class HubSpotFailures
{
    /// <summary>How long to wait after the account's daily request limit is used up (it resets at midnight in the account's time zone).</summary>
    public static readonly TimeSpan DailyLimitWait = TimeSpan.FromHours(1);

    public static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    public static DeliveryOutcome Classify(int status, HubSpotError error, TimeSpan? retryAfter, IEnumerable<string>? sentValues = null)
    {
        var code = error.Detail ?? error.Category;
        var message = CrmAnswer.Redact(LogText.FirstLine(error.Message), sentValues);
        var text = string.IsNullOrEmpty(message) ? $"HubSpot answered {status} without an error message." : message;
        var failure = new DeliveryFailure(HubSpotProtocol.Name, status, code, Advice(status, error) is { } advice ? $"{text} {advice}" : text);
        return IsTransient(status) ? new DeliveryOutcome.RetryLater(failure, retryAfter) : new DeliveryOutcome.CannotDeliver(failure);
    }

    private static string? Advice(int status, HubSpotError error) => (status, error.Detail) switch
    {
        (403, _) when error.OptOut => "The private app cannot opt the do-not-contact lead's e-mail address out of e-mail: give it the scope " +
                                      "communication_preferences.write (or set Destinations__HubSpot__DoNotContactOptOut=false), then replay the " +
                                      "poison queue.",
        (400, "READ_ONLY_VALUE") =>
            "A mapped property is read-only (e.g. hs_email_optout, which HubSpot sets itself): remove Destinations__HubSpot__Mapping__<property>, " +
                "then replay the poison queue.",
        (400, "PROPERTY_DOESNT_EXIST") =>
            "A mapped property does not exist on contacts: create it in HubSpot or fix Destinations__HubSpot__Mapping__<property>, then replay " +
                "the poison queue.",
        (400, _) when error.Message?.Contains("unique", StringComparison.OrdinalIgnoreCase) == true =>
            "The lead-id property must have \"Require unique values\" on: recreate it so (Destinations__HubSpot__LeadIdProperty), then replay the " +
                "poison queue.",
        (400, _) => "HubSpot rejected the contact: check Destinations__HubSpot__Mapping (property names, option values), then replay the poison " +
            "queue.",
        (401, _) => "The private app's token was refused: set Destinations__HubSpot__AccessToken to the app's current token, then replay the " +
            "poison queue.",
        (403, _) => "The private app lacks a scope: give it crm.objects.contacts.read and crm.objects.contacts.write, then replay the poison queue.",
        (404, _) => "Not found: check that the lead-id property exists on contacts (Destinations__HubSpot__LeadIdProperty), then replay the " +
            "poison queue.",
        (429, _) => $"Rate limit ({error.PolicyName ?? "unknown policy"}): waiting.",
        _ => null,
    };
}
