using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using Json.Schema;

namespace LeadFunctions.Leads;

/// <summary>An object in the schema: its declared properties, looked up case-insensitively.</summary>
public sealed class SchemaObject
{
    private readonly Dictionary<string, SchemaProperty> _properties;
    private readonly Dictionary<string, SchemaProperty>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    private SchemaObject(Dictionary<string, SchemaProperty> properties)
    {
        _properties = properties;
        _byChars = properties.GetAlternateLookup<ReadOnlySpan<char>>();
        PropertyList = [.. properties.Values];
    }

    public IEnumerable<SchemaProperty> Properties => _properties.Values;

    internal IReadOnlyList<SchemaProperty> PropertyList { get; }

    public SchemaProperty? Find(string name) => _properties.GetValueOrDefault(name);

    /// <summary>The declared property a payload's property names, without allocating its name when it is plain text.</summary>
    public SchemaProperty? Find(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        Span<char> name = stackalloc char[64];
        if (raw.Length > name.Length || raw.Contains((byte)'\\')) return Find(property.Name);
        return Utf8.ToUtf16(raw, name, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
            ? _byChars.TryGetValue(name[..written], out var declared) ? declared : null
            : Find(property.Name);
    }

    internal static SchemaObject From(JsonObject schema)
    {
        var properties = new Dictionary<string, SchemaProperty>(StringComparer.OrdinalIgnoreCase);
        if (schema["properties"] is JsonObject declared)
        {
            foreach (var (name, value) in declared)
            {
                if (value is not JsonObject propertySchema) continue;
                var type = propertySchema["type"] is JsonValue t && t.TryGetValue(out string? typeName) ? typeName : null;
                var children = type == "object" ? From(propertySchema) : null;
                properties[name] = new SchemaProperty(name, type, children);
            }
        }

        return new SchemaObject(properties);
    }
}
