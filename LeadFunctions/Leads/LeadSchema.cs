using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace LeadFunctions.Leads;

/// <summary>
/// The lead schema Microsoft publishes for the HTTPS endpoint, kept as data in <c>lead.schema.json</c>.
/// It drives both the lenient normalisation (canonical names, which properties are strings) and the validation.
/// </summary>
public sealed class LeadSchema
{
    private LeadSchema(JsonSchema validator, SchemaObject root)
    {
        Validator = validator;
        Root = root;
    }

    /// <summary>The schema embedded in the app.</summary>
    public static LeadSchema Published { get; } = Load(ReadEmbedded());

    public JsonSchema Validator { get; }

    public SchemaObject Root { get; }

    public static LeadSchema Load(string schemaJson)
    {
        var node = JsonNode.Parse(schemaJson)?.AsObject() ?? throw new InvalidDataException("The lead schema is not a JSON object.");

        // The published schema is draft-04, which JsonSchema.Net no longer ships; draft-06 differs from it only in keywords
        // this schema does not use (exclusiveMinimum/Maximum, id → $id), so evaluate it as draft-06 and tolerate "id".
        node.Remove("$schema");
        var dialect = Dialect.Draft06.With([], new Uri("https://leadfunctions/lead-schema-dialect"), null, true);
        // The built schema keeps referring to the elements it was built from, so they must outlive it: clone them.
        using var document = JsonDocument.Parse(node.ToJsonString());
        var validator = JsonSchema.Build(document.RootElement.Clone(), new BuildOptions { Dialect = dialect });
        return new LeadSchema(validator, SchemaObject.From(node));
    }

    private static string ReadEmbedded()
    {
        using var stream = typeof(LeadSchema).Assembly.GetManifestResourceStream("lead.schema.json")
            ?? throw new InvalidOperationException("lead.schema.json is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>An object in the schema: its declared properties, looked up case-insensitively.</summary>
public sealed class SchemaObject
{
    private readonly Dictionary<string, SchemaProperty> _properties;

    private SchemaObject(Dictionary<string, SchemaProperty> properties) => _properties = properties;

    public IEnumerable<SchemaProperty> Properties => _properties.Values;

    public SchemaProperty? Find(string name) => _properties.GetValueOrDefault(name);

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

/// <param name="Name">The canonical spelling, as the schema writes it.</param>
/// <param name="Type">The JSON type the schema declares (<c>string</c>, <c>object</c>, …), if any.</param>
public sealed record SchemaProperty(string Name, string? Type, SchemaObject? Children);
