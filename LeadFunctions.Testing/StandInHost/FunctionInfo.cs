using System.Text.Json;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>One binding of a function, from the raw binding JSON the worker reported.</summary>
/// <param name="Direction">"In", "Out" or "InOut", as written by the worker.</param>
/// <param name="DataType">"String", "Binary", "Stream" or null.</param>
/// <param name="Properties">Every other scalar property of the binding (route, queueName, ...).</param>
public sealed record BindingDescription(
    string Name,
    string Type,
    string Direction,
    string? DataType,
    IReadOnlyDictionary<string, string> Properties);

/// <summary>A function as the worker reported it in its FunctionMetadataResponse.</summary>
public sealed record FunctionInfo(
    string Name,
    string FunctionId,
    string EntryPoint,
    string ScriptFile,
    IReadOnlyList<BindingDescription> Bindings,
    IReadOnlyList<string> RawBindings,
    IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The one input binding whose type ends in "Trigger".</summary>
    public BindingDescription Trigger => Bindings.Single(
        b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)
             && b.Direction.Equals("In", StringComparison.OrdinalIgnoreCase));

    /// <summary>e.g. "httpTrigger", "queueTrigger", "timerTrigger".</summary>
    public string TriggerType => Trigger.Type;

    public bool IsHttpTrigger => TriggerType.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>The HTTP route template (without the "api" prefix), or null.</summary>
    public string? Route => Trigger.Properties.GetValueOrDefault("route");

    /// <summary>The HTTP methods, lower case as written by the SDK; empty when any method is allowed.</summary>
    public IReadOnlyList<string> Methods =>
        Trigger.Properties.TryGetValue("methods", out string? methods)
            ? methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>"Function", "Anonymous", "Admin" ... for HTTP triggers.</summary>
    public string? AuthLevel => Trigger.Properties.GetValueOrDefault("authLevel");

    internal static BindingDescription ParseBinding(string rawBinding)
    {
        using JsonDocument document = JsonDocument.Parse(rawBinding);
        JsonElement root = document.RootElement;
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            string? value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                JsonValueKind.Array => string.Join(',', property.Value.EnumerateArray().Select(e => e.ToString())),
                _ => null,
            };
            if (value is not null)
            {
                properties[property.Name] = value;
            }
        }

        return new BindingDescription(
            properties.GetValueOrDefault("name") ?? string.Empty,
            properties.GetValueOrDefault("type") ?? string.Empty,
            properties.GetValueOrDefault("direction") ?? "In",
            properties.GetValueOrDefault("dataType"),
            properties);
    }
}
