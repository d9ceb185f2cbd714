using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>HubSpot's error body: <c>{"status":"error","message","category","policyName"?}</c>.</summary>
public sealed partial record HubSpotError(string? Category, string? Message, string? PolicyName)
{
    public static HubSpotError None { get; } = new(null, null, null);

    /// <summary>The answer to opting a do-not-contact lead's address out of e-mail, which needs its own scope.</summary>
    public bool OptOut { get; init; }

    public static async Task<HubSpotError> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        Parse(await CrmAnswer.FailureBodyAsync(response, cancellationToken).ConfigureAwait(false));

    public static HubSpotError Parse(string? body) => CrmAnswer.ParseError(body, root => root.ValueKind == JsonValueKind.Object
        ? new HubSpotError(CrmAnswer.Text(root, "category") ?? CrmAnswer.Text(root, "errorType"), CrmAnswer.Text(root, "message"),
            CrmAnswer.Text(root, "policyName"))
        : null, None);

    /// <summary>The contact that has the e-mail address already, from <c>409</c> "Contact already exists. Existing ID: 123".</summary>
    public string? ExistingContactId => Message is { } text && ExistingId().Match(text) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The detailed error of a validation failure, e.g. <c>PROPERTY_DOESNT_EXIST</c> or <c>INVALID_EMAIL</c>.</summary>
    public string? Detail => Message is { } text && DetailCode().Match(text) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"Existing ID:\s*(\d+)")]
    private static partial Regex ExistingId();

    [GeneratedRegex("\\\\?\"error\\\\?\"\\s*:\\s*\\\\?\"([A-Z_]+)")]
    private static partial Regex DetailCode();
}
