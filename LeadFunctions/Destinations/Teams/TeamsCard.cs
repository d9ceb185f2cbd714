using LeadFunctions.Destinations.Chat;

namespace LeadFunctions.Destinations.Teams;

/// <summary>
/// A <see cref="ChatMessage"/> as the message a Workflows "When a Teams webhook request is received" trigger posts: one
/// Adaptive Card 1.4 with a title, the do-not-contact mark, and a FactSet. Markdown in lead text is escaped: no link.
/// </summary>
public static class TeamsCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    public static JsonObject Payload(ChatMessage message)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = message.Title, ["size"] = "Large", ["weight"] = "Bolder", ["wrap"] = true },
        };
        if (message.DoNotContact)
        {
            body.Add(new JsonObject
            {
                ["type"] = "TextBlock", ["text"] = ChatMessage.DoNotContactText, ["color"] = "Attention", ["weight"] = "Bolder", ["wrap"] = true,
            });
        }

        var facts = message.Facts.Select(f => (JsonNode)new JsonObject { ["title"] = Escape(f.Key), ["value"] = Escape(f.Value) }).ToArray();
        body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = new JsonArray(facts) });
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.4",
            ["fallbackText"] = message.Fallback,
            ["body"] = body,
        };
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = ContentType, ["content"] = card }),
        };
    }

    /// <summary>Backslash before every character Markdown (as Teams renders it) or HTML could read as markup.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '[' or ']' or '(' or ')' or '`' or '~' or '#' or '<' or '>' or '!' or '|') escaped.Append('\\');
            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
