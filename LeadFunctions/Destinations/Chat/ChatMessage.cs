using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Chat;

/// <summary>
/// One lead's chat message, before Teams or Slack shape it: a title, the facts (<see cref="ChatFacts"/>) as cleaned text
/// (no control, format or line-separator characters), and whether the customer asked not to be contacted.
/// </summary>
public sealed record ChatMessage(string Title, IReadOnlyList<KeyValuePair<string, string>> Facts, bool DoNotContact)
{
    public const string DefaultTitle = "New marketplace lead";

    /// <summary>What the do-not-contact mark says.</summary>
    public const string DoNotContactText = "DO NOT CONTACT: the customer asked not to be contacted.";

    /// <summary>The message for the facts of one lead, as <see cref="ChatFacts"/> mapped them.</summary>
    public static ChatMessage From(JsonObject facts)
    {
        var list = new List<KeyValuePair<string, string>>();
        var doNotContact = false;
        foreach (var (label, value) in facts)
        {
            if (string.Equals(label, LeadFields.DoNotContact, StringComparison.OrdinalIgnoreCase))
            {
                doNotContact = value is JsonValue flag && flag.TryGetValue(out bool on) && on;
                continue;
            }

            var text = value is JsonValue scalar && scalar.TryGetValue(out string? s) ? s : value?.ToJsonString();
            if (Clean(text) is { Length: > 0 } clean) list.Add(new(label, clean));
        }

        return new ChatMessage(DefaultTitle, list, doNotContact);
    }

    /// <summary>The one-line text of the message: what a notification or a client without cards shows.</summary>
    public string Fallback
    {
        get
        {
            var offer = Facts.FirstOrDefault(f => f.Key == "Offer").Value;
            var company = Facts.FirstOrDefault(f => f.Key == "Company").Value;
            var text = Title + (offer is null ? "" : $": {offer}") + (company is null ? "" : $" ({company})");
            return DoNotContact ? $"{text}. {DoNotContactText}" : text;
        }
    }

    /// <summary>A value as a chat may show it: one line, at most 1,000 characters, control characters replaced.</summary>
    private static string? Clean(string? text) => LogText.Of(text?.Replace('\n', ' ').Replace('\r', ' ').Trim(), 1000);
}
