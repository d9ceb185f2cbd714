using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LeadFunctions.Testing;

/// <summary>
/// A Workflows trigger "When a Teams webhook request is received": <c>202</c> with no body; errors as
/// <c>{"error":{"code","message"}}</c>. Takes only a message with one Adaptive Card attachment (1.4 at most).
/// </summary>
public sealed class FakeTeams : FakeChat
{
    public const string PathAndQuery = "/workflows/0fake/triggers/manual/paths/invoke?api-version=2016-06-01&sig=fakeSignature";

    public static Task<FakeTeams> StartAsync() => StartAsync(new FakeTeams());

    protected override string WebhookPathAndQuery => PathAndQuery;

    /// <summary>The card of a message the channel shows.</summary>
    public static JsonObject CardOf(JsonObject message) => message["attachments"]![0]!["content"]!.AsObject();

    protected override string? Problem(JsonObject body)
    {
        if (body["type"]?.GetValue<string>() != "message") return "type must be message";
        if (body["attachments"] is not JsonArray { Count: 1 } attachments || attachments[0] is not JsonObject attachment) return "one attachment";
        if (attachment["contentType"]?.GetValue<string>() != "application/vnd.microsoft.card.adaptive") return "an Adaptive Card";
        if (attachment["content"] is not JsonObject card || card["type"]?.GetValue<string>() != "AdaptiveCard") return "content: an AdaptiveCard";
        return card["version"]?.GetValue<string>() is "1.0" or "1.1" or "1.2" or "1.3" or "1.4" ? null : "version 1.4 at most";
    }

    protected override Task<int> AcceptedAsync(HttpResponse response)
    {
        response.StatusCode = 202;
        return Task.FromResult(202);
    }

    protected override async Task<int> ErrorAsync(HttpResponse response, int status, string code, string message) =>
        await JsonAsync(response, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });
}
