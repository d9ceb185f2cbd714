using LeadFunctions.Leads;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>What a Dataverse answer means for the lead (docs/dataverse.md, "What failures look like").</summary>
public static class DataverseFailures
{
    /// <summary>A duplicate-detection rule matched (only with <c>SuppressDuplicateDetection=false</c>); answered as 500.</summary>
    public const string DuplicateDetected = "0x80040333";

    public const string StringTooLong = "0x80044331";

    public const string UnknownProperty = "0x80060888";

    public static bool IsTransient(int status, string? code) => status switch
    {
        408 or 429 => true,
        500 when string.Equals(code, DuplicateDetected, StringComparison.OrdinalIgnoreCase) => false,
        501 or 505 => false,
        >= 500 => true,
        _ => false,
    };

    public static DeliveryOutcome Classify(int status, DataverseError error, TimeSpan? retryAfter, IEnumerable<string>? sentValues = null)
    {
        if (status is >= 200 and < 300) return new DeliveryOutcome.Delivered(AlreadyThere: false);
        if (status == 412) return new DeliveryOutcome.Delivered(AlreadyThere: true);

        var code = string.IsNullOrEmpty(error.Code) ? null : error.Code;
        var failure = new DeliveryFailure(DataverseProtocol.Name, status, code, Describe(status, error, sentValues));
        return IsTransient(status, error.Code)
            ? new DeliveryOutcome.RetryLater(failure, retryAfter)
            : new DeliveryOutcome.CannotDeliver(failure);
    }

    public static string Describe(int status, DataverseError error, IEnumerable<string>? sentValues = null)
    {
        var message = CrmAnswer.Redact(LogText.FirstLine(error.Message), sentValues);
        var advice = Advice(status, error.Code);
        var text = string.IsNullOrEmpty(message) ? $"Dataverse answered {status} without an error message." : message;
        return advice is null ? text : $"{text} {advice}";
    }

    private static string? Advice(int status, string? code) => (status, code?.ToLowerInvariant()) switch
    {
        (400, StringTooLong) => "A text column is shorter than the default maximum length: set Destinations__Dataverse__MaxLength__<column> to " +
            "its length, then replay the poison queue.",
        (400, UnknownProperty) => "A mapped column does not exist on the lead table: fix Destinations__Dataverse__Mapping__<column> (or create " +
            "the column), then replay the poison queue.",
        (400, _) => "Dataverse rejected the record: check Destinations__Dataverse__Mapping (column names, option-set values as =number), then " +
            "replay the poison queue.",
        (401, _) => "The token was refused even after a refresh: check Destinations__Dataverse__Url, Destinations__Dataverse__TenantId and the " +
            "credential, then replay the poison queue.",
        (403, _) => "The application user lacks a privilege: give it a security role with Create and Read on Lead, then replay the poison queue.",
        (404, _) => "Not found: check that Destinations__Dataverse__Url is the environment URL (https://<org>.crm.dynamics.com), then replay the " +
            "poison queue.",
        (500, DuplicateDetected) => "A duplicate-detection rule matched this lead (Destinations__Dataverse__SuppressDuplicateDetection=false); " +
            "merge or replay it after review.",
        (429, _) => "Service protection limit: waiting for Retry-After.",
        _ => null,
    };
}
