using Json.Schema;

namespace LeadFunctions.Leads;

/// <summary>The lead schema Microsoft publishes (<c>lead.schema.json</c>): it drives both normalisation and validation.</summary>
public sealed class LeadSchema
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal) { "$schema", "id", "$id", "title", "description", "$comment" };

    private readonly Lazy<JsonSchema> _validator;

    private LeadSchema(Lazy<JsonSchema> validator, SchemaObject root, bool typesOnly)
    {
        _validator = validator;
        Root = root;
        TypesOnly = typesOnly;
    }

    public static LeadSchema Published { get; } = Load(ReadEmbedded());

    /// <summary>Built on first use: only leads that fail the type check need it.</summary>
    public JsonSchema Validator => _validator.Value;

    public SchemaObject Root { get; }

    private static readonly EvaluationOptions ListErrors = new() { OutputFormat = OutputFormat.List };

    public List<LeadFinding> Errors(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var evaluation = Validator.Evaluate(document.RootElement, ListErrors);
        var problems = new List<LeadFinding>();
        if (evaluation.IsValid) return problems;

        foreach (var detail in evaluation.Details ?? [])
        {
            if (detail.Errors is null) continue;
            foreach (var (_, message) in detail.Errors)
            {
                problems.Add(new LeadFinding(ToJsonPath(detail.InstanceLocation.ToString()), message));
            }
        }

        return problems;
    }

    private static string ToJsonPath(string pointer) =>
        pointer.Length == 0 ? "$" : "$" + string.Concat(pointer.Split('/').Skip(1).Select(s => "." + s.Replace("~1", "/",
            StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)));

    /// <summary>True when the schema constrains only types, which <see cref="LeadReader"/> checks itself.</summary>
    public bool TypesOnly { get; }

    public static LeadSchema Load(string schemaJson)
    {
        var node = JsonNode.Parse(schemaJson)?.AsObject() ?? throw new InvalidDataException("The lead schema is not a JSON object.");

        // The published schema is draft-04, no longer shipped by JsonSchema.Net; draft-06 differs only in keywords it
        // does not use, so evaluate it as draft-06 and tolerate "id".
        node.Remove("$schema");
        var schemaText = node.ToJsonString();
        var validator = new Lazy<JsonSchema>(() =>
        {
            var dialect = Dialect.Draft06.With([], new Uri("https://leadfunctions/lead-schema-dialect"), null, true);
            // The built schema keeps referring to the elements it was built from, so they must outlive it: clone them.
            using var document = JsonDocument.Parse(schemaText);
            return JsonSchema.Build(document.RootElement.Clone(), new BuildOptions { Dialect = dialect });
        });
        return new LeadSchema(validator, SchemaObject.From(node), IsTypesOnly(node, root: true));
    }

    private static bool IsTypesOnly(JsonObject schema, bool root)
    {
        foreach (var (keyword, value) in schema)
        {
            var understood = keyword switch
            {
                _ when Annotations.Contains(keyword) => true,
                "definitions" => value is JsonObject { Count: 0 },
                "type" => value is JsonValue type && type.TryGetValue(out string? name) && (name == "object" || (!root && name == "string")),
                "properties" => value is JsonObject properties && properties.All(p => p.Value is JsonObject property && IsTypesOnly(property,
                    root: false)),
                _ => false,
            };
            if (!understood) return false;
        }

        return !root || schema["type"] is null || schema["type"]!.GetValue<string>() == "object";
    }

    private static string ReadEmbedded()
    {
        using var stream = typeof(LeadSchema).Assembly.GetManifestResourceStream("lead.schema.json")
            ?? throw new InvalidOperationException("lead.schema.json is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
