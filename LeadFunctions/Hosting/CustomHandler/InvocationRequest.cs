using System.Globalization;
using System.Text.Json;
using LeadFunctions.Delivery;

namespace LeadFunctions.Hosting.CustomHandler;

/// <summary>
/// Reads the Functions host's invocation payload for a queue trigger: <c>{"Data": {"message": …}, "Metadata": {…}}</c>.
/// The host JSON-encodes the message text as a string, sometimes twice, and sends metadata values such as
/// <c>DequeueCount</c> as JSON-encoded strings (DESIGN 5); every such layer is peeled off here.
/// </summary>
public static class InvocationRequest
{
    /// <summary>The queue trigger's binding name in <c>Functions/ProcessLead/function.json</c>.</summary>
    public const string MessageBinding = "message";

    public static QueuedMessage ReadQueueMessage(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object) throw new FormatException("The invocation payload is not a JSON object.");

        var data = Property(payload, "Data") ?? throw new FormatException("The invocation payload has no Data.");
        var message = Property(data, MessageBinding)
            ?? (data.ValueKind == JsonValueKind.Object && data.EnumerateObject().Count() == 1 ? data.EnumerateObject().First().Value : (JsonElement?)null)
            ?? throw new FormatException($"The invocation payload has no Data.{MessageBinding}.");

        var metadata = Property(payload, "Metadata");
        var dequeueCount = metadata is { } m && Unwrap(Property(m, "DequeueCount")) is { } count
            && long.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 1;
        var id = metadata is { } m2 ? Unwrap(Property(m2, "Id")) : null;

        return new QueuedMessage(Unwrap(message) ?? "", dequeueCount, id);
    }

    /// <summary>The text inside a value that may be a string holding a JSON string holding the text.</summary>
    internal static string? Unwrap(JsonElement? element)
    {
        if (element is not { } value || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) return value.GetRawText();

        var text = value.GetString()!;
        for (var layer = 0; layer < 3 && text.Length >= 2 && text[0] == '"' && text[^1] == '"'; layer++)
        {
            try
            {
                text = JsonSerializer.Deserialize(text, HttpJsonContext.Default.String) ?? text;
            }
            catch (JsonException)
            {
                break;
            }
        }

        return text;
    }

    private static JsonElement? Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object) return null;
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        }

        return null;
    }
}
