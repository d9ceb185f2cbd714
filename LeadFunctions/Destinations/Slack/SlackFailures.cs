using LeadFunctions.Leads;

namespace LeadFunctions.Destinations.Slack;

/// <summary>
/// What an incoming webhook's answer means: <c>408</c>, <c>429</c> and <c>5xx</c> are transient, the rest permanent. Slack
/// answers errors as plain text codes (<c>invalid_payload</c>, <c>channel_is_archived</c>…); only such a code is kept.
/// </summary>
public static partial class SlackFailures
{
    public static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    public static DeliveryOutcome Classify(int status, string? body, TimeSpan? retryAfter)
    {
        var code = body?.Trim() is { Length: > 0 and <= 64 } text && Code().IsMatch(text) ? text : null;
        var message = $"Slack answered {status}{(code is null ? "" : $" {code}")}. {Advice(status, code)}".TrimEnd();
        var failure = new DeliveryFailure(SlackProtocol.Name, status, code, message);
        return IsTransient(status) ? new DeliveryOutcome.RetryLater(failure, retryAfter) : new DeliveryOutcome.CannotDeliver(failure);
    }

    private static string? Advice(int status, string? code) => (status, code) switch
    {
        (429, _) => "Rate limit (about one message per second per webhook): waiting.",
        (>= 500, _) or (408, _) => "Slack is briefly unavailable: trying again.",
        (410, _) or (_, "channel_is_archived") =>
            "The webhook's channel is archived: unarchive it, or add a webhook for another channel and set Destinations__Slack__Url, then replay " +
                "the poison queue.",
        (404, _) or (_, "channel_not_found" or "no_service" or "no_team") =>
            "The webhook or its channel is gone (app removed, webhook revoked): add an incoming webhook and set Destinations__Slack__Url, then " +
                "replay the poison queue.",
        (403, _) => "Posting is not allowed (action_prohibited: the workspace restricts this channel or app, or the webhook was revoked): " +
            "ask the workspace admin, then replay the poison queue.",
        (400, _) => "Slack refused the message as built (invalid_payload, or a block it does not take): report it with the lead id; " +
            "replaying will not help until the app is fixed.",
        _ => "Check Destinations__Slack__Url, then replay the poison queue.",
    };

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex Code();
}
