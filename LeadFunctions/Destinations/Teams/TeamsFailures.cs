using LeadFunctions.Destinations.Http;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Teams;

/// <summary>
/// What a Workflows trigger's answer means: <c>408</c>, <c>429</c> and <c>5xx</c> are transient, the rest permanent. The
/// error body is <c>{"error":{"code","message"}}</c>; the message is kept without any value sent.
/// </summary>
public static class TeamsFailures
{
    public static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    public static DeliveryOutcome Classify(int status, string? body, TimeSpan? retryAfter, IEnumerable<string>? sentValues)
    {
        var error = CrmAnswer.ParseError(body, root => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e)
            ? new[] { CrmAnswer.Text(e, "code"), CrmAnswer.Text(e, "message") }
            : null, [null, null]);
        var (code, text) = (error[0], error[1]);
        var said = text is null ? "" : $" {CrmAnswer.Redact(LogText.FirstLine(text), sentValues)}";
        var message = $"Workflows answered {status}.{said} {Advice(status)}".TrimEnd();
        var failure = new DeliveryFailure(TeamsProtocol.Name, status, LogText.Id(code), message);
        return IsTransient(status) ? new DeliveryOutcome.RetryLater(failure, retryAfter) : new DeliveryOutcome.CannotDeliver(failure);
    }

    private static string Advice(int status) => status switch
    {
        429 => "Rate limit of the flow's trigger: waiting.",
        408 or >= 500 => "Workflows is briefly unavailable: trying again.",
        404 or 410 => "The flow or its trigger is gone (deleted, or its URL changed): set Destinations__Teams__Url to the trigger's URL, then " +
            "replay the poison queue.",
        401 or 403 => "The trigger refused the URL's signature or the flow is turned off: copy the trigger's URL again into " +
            "Destinations__Teams__Url or turn the flow on, then replay the poison queue.",
        400 => "The trigger refused the message as built: report it with the lead id; replaying will not help until the app is fixed.",
        _ => "Check the flow and Destinations__Teams__Url, then replay the poison queue.",
    };
}
