using System.Globalization;
using System.Net;
using System.Text.Json;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;
using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Cli.Intake;

/// <summary>
/// ReceiveLead's answer, read tolerantly: <c>202 {leadId, duplicate, notes}</c>, or problem details
/// (<c>title</c>, <c>detail</c>, <c>errors: [{path, message}]</c>), or whatever a proxy in front of it said.
/// </summary>
internal sealed record IntakeAnswer(
    int Status,
    string Reason,
    string? LeadId,
    bool Duplicate,
    IReadOnlyList<LeadFinding> Notes,
    string? Title,
    string? Detail,
    IReadOnlyList<LeadFinding> Errors,
    TimeSpan? RetryAfter)
{
    public bool IsAccepted => Status is >= 200 and < 300;

    /// <summary>Worth sending again later: the lead was not stored (503), or something on the way was busy or timed out.</summary>
    public bool IsTransient => Status is 408 or 429 or 502 or 503 or 504;

    /// <summary>Every further lead would get the same answer: wrong key, wrong URL, wrong method.</summary>
    public bool StopsEverything => Status is 401 or 403 or 404 or 405;

    /// <summary>The status line, e.g. "202 Accepted".</summary>
    public string StatusLine => $"{Status.ToString(CultureInfo.InvariantCulture)} {Reason}";

    /// <summary>Why the lead was not accepted, in one line: the problem's title, its errors with their JSON paths, or a hint.</summary>
    public string Problem => Status switch
    {
        401 => $"the endpoint did not accept the key (code= in --url, else {EndpointKey.Variable}).",
        404 => "no lead endpoint at this URL (expected …/api/leads?code=KEY).",
        _ when Errors.Count > 0 => $"{Title ?? "rejected"}: {string.Join("; ", Errors.Select(e => $"{e.Path}: {e.Message}"))}",
        _ when Title is not null => Detail is null ? Title : $"{Title}: {Detail}",
        _ => Reason,
    };

    public static async Task<IntakeAnswer> ReadAsync(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var reason = response.ReasonPhrase is { Length: > 0 } phrase ? phrase : ((HttpStatusCode)status).ToString();
        var retryAfter = CrmAnswer.RetryAfter(response, time);

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = TryParse(text);
        var body = document?.RootElement ?? default;
        // Whatever answered (the app, a proxy, something else at that URL), each value is cleaned and bounded before it is printed.
        return new IntakeAnswer(
            status,
            LogText.Of(reason)!,
            LogText.Id(String(body, "leadId")),
            body.ValueKind == JsonValueKind.Object && body.TryGetProperty("duplicate", out var duplicate)
                && duplicate.ValueKind == JsonValueKind.True,
            Issues(body, "notes"),
            LogText.Of(String(body, "title"), LogText.ReasonLength),
            LogText.Of(String(body, "detail"), LogText.ReasonLength),
            Issues(body, "errors"),
            retryAfter);
    }

    private static JsonDocument? TryParse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;   // not JSON (a proxy's error page): the status says it all
        }
    }

    private static string? String(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The most notes or errors of one answer the CLI keeps (the app lists at most 16).</summary>
    private const int MaxIssues = 32;

    private static List<LeadFinding> Issues(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Take(MaxIssues).Select(e => new LeadFinding(LogText.Of(String(e, "path") ?? "$", LogText.ReasonLength)!,
                LogText.Of(String(e, "message") ?? "", LogText.ReasonLength)!)).ToList()
            : [];
}
