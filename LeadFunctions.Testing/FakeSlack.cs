using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LeadFunctions.Testing;

/// <summary>
/// A Slack incoming webhook: <c>200 ok</c>; errors as plain text codes (<c>400 invalid_payload</c>, <c>403 action_prohibited</c>,
/// <c>404 channel_not_found</c>, <c>410 channel_is_archived</c>, <c>429</c> with <c>Retry-After</c>). Strict about Block Kit's
/// limits the app relies on: a fallback text, at most 50 blocks, a plain-text header, at most 10 fields per section.
/// </summary>
public sealed class FakeSlack : FakeChat
{
    public const string Path = "/services/T0FAKE/B0FAKE/fakeSecret123";

    public static Task<FakeSlack> StartAsync() => StartAsync(new FakeSlack());

    protected override string WebhookPathAndQuery => Path;

    protected override string? Problem(JsonObject body)
    {
        if (body["text"] is not JsonValue text || text.GetValue<string>().Length == 0) return "no fallback text";
        if (body["blocks"] is not JsonArray { Count: > 0 and <= 50 } blocks) return "blocks: 1 to 50";
        foreach (var block in blocks.OfType<JsonObject>())
        {
            var type = block["type"]?.GetValue<string>();
            if (type == "header" && block["text"]?["type"]?.GetValue<string>() != "plain_text") return "a header is plain_text";
            if (type == "section" && block["fields"] is JsonArray { Count: > 10 }) return "at most 10 fields per section";
            if (type is not ("header" or "section")) return $"unexpected block {type}";
        }

        return null;
    }

    protected override async Task<int> AcceptedAsync(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/html";
        await response.WriteAsync("ok");
        return 200;
    }

    protected override async Task<int> ErrorAsync(HttpResponse response, int status, string code, string message)
    {
        response.StatusCode = status;
        response.ContentType = "text/html";
        await response.WriteAsync(code);
        return status;
    }
}
