using LeadFunctions.Destinations.Http;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>What a Salesforce answer means for the lead (docs/destinations.md, "What failures look like").</summary>
public static class SalesforceFailures
{
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";

    public const string DuplicateValue = "DUPLICATE_VALUE";

    public static bool IsTransient(int status, string? code) => status switch
    {
        408 or 429 or >= 500 => true,
        403 => code == RequestLimitExceeded,
        400 => code == "UNABLE_TO_LOCK_ROW",
        _ => false,
    };

    /// <summary>The outcome of an error answer (any status that is not a success the destination handles itself).</summary>
    public static DeliveryOutcome Classify(int status, SalesforceError error, TimeSpan? retryAfter, IEnumerable<string>? sentValues = null)
    {
        var failure = new DeliveryFailure(SalesforceProtocol.Name, status, error.Code, Describe(status, error, sentValues));
        return IsTransient(status, error.Code)
            ? new DeliveryOutcome.RetryLater(failure, retryAfter)
            : new DeliveryOutcome.CannotDeliver(failure);
    }

    public static string Describe(int status, SalesforceError error, IEnumerable<string>? sentValues = null)
    {
        var message = CrmAnswer.Redact(LogText.FirstLine(error.Message), sentValues);
        var text = string.IsNullOrEmpty(message) ? $"Salesforce answered {status} without an error message." : message;
        if (error.Fields.Count > 0) text += $" (fields: {string.Join(", ", error.Fields)})";
        return Advice(status, error.Code) is { } advice ? $"{text} {advice}" : text;
    }

    private static string? Advice(int status, string? code) => (status, code) switch
    {
        (300, _) => "Several leads have this lead id in the lead-id field: merge them in Salesforce, then replay the poison queue.",
        (400, "STRING_TOO_LONG") =>
            "A field is shorter than the default maximum length: set Destinations__Salesforce__MaxLength__<field> to its length, then replay the " +
                "poison queue.",
        (400, "INVALID_FIELD" or "INVALID_FIELD_FOR_INSERT_UPDATE") =>
            "A mapped field does not exist on Lead or the integration user cannot edit it: fix Destinations__Salesforce__Mapping__<field> or the " +
                "field-level security, then replay the poison queue.",
        (400, "REQUIRED_FIELD_MISSING") =>
            "A field the org requires is not mapped: add Destinations__Salesforce__Mapping__<field>, then replay the poison queue.",
        (400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST") =>
            "A picklist value is not allowed: map the field to one of its values (=Value), then replay the poison queue.",
        (400, "DUPLICATES_DETECTED") => "A Salesforce duplicate rule blocked this lead: review it, change the rule to allow, then replay if wanted.",
        (400, _) => "Salesforce rejected the record: check Destinations__Salesforce__Mapping (field API names, picklist values), then replay the " +
            "poison queue.",
        (401, _) => "The token was refused even after a new one was fetched: check the connected app's client credentials flow and run-as user, " +
            "then replay the poison queue.",
        (403, RequestLimitExceeded) => "The org's API request limit is used up: deliveries pause for Destinations__Salesforce__RequestLimitWait " +
            "and resume by themselves.",
        (403, _) => "The run-as user lacks a permission: give it API Enabled and Create, Read and Edit on Lead (and the lead-id field), then " +
            "replay the poison queue.",
        (404, _) => "Not found: check that the lead-id field exists on Lead with this API name (and is an External ID for " +
            "Destinations__Salesforce__ExternalIdField), that the run-as user can see it, and Destinations__Salesforce__Url and ApiVersion; then " +
            "replay the poison queue.",
        _ => null,
    };
}
