using LeadFunctions.Destinations.Chat;

namespace LeadFunctions.Destinations.Slack;

/// <summary>
/// A <see cref="ChatMessage"/> in Slack's Block Kit: <c>{"text": fallback, "blocks": [header, mark?, sections of fields]}</c>.
/// Lead text is escaped (<c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>) and <c>verbatim</c>, so it can neither link nor mention.
/// </summary>
public static class SlackBlocks
{
    /// <summary>Slack's most fields in one section block.</summary>
    private const int FieldsPerSection = 10;

    public static JsonObject Payload(ChatMessage message)
    {
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = message.Title, ["emoji"] = false },
            },
        };
        if (message.DoNotContact) blocks.Add(Section(new JsonObject(Text($":no_entry: *{Escape(ChatMessage.DoNotContactText)}*"))));
        foreach (var chunk in message.Facts.Chunk(FieldsPerSection))
        {
            var fields = new JsonArray(chunk.Select(f => (JsonNode)new JsonObject(Text($"*{Escape(f.Key)}*\n{Escape(f.Value)}"))).ToArray());
            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        }

        return new JsonObject
        {
            ["text"] = Escape(message.Fallback),
            ["blocks"] = blocks,
            ["unfurl_links"] = false,
            ["unfurl_media"] = false,
        };
    }

    /// <summary>Slack's three control characters in mrkdwn; everything else is shown as written.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static JsonObject Section(JsonObject text) => new() { ["type"] = "section", ["text"] = text };

    private static Dictionary<string, JsonNode?> Text(string mrkdwn) => new() { ["type"] = "mrkdwn", ["text"] = mrkdwn, ["verbatim"] = true };
}
