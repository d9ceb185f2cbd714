using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Leads;

namespace LeadFunctions.Testing;

// The lead reader as it was before it was optimised (commit 53939a7), kept as the oracle the optimised LeadReader must
// agree with: same lead id, same problems, same notes. One rule was added since: a name repeated inside an unknown value
// (the old reader threw on it when it kept the value, a 500, and missed it when a later repeat replaced the object
// holding the value) is noted, in every object walked, and the last one is used — like a repeated name of the lead.

/// <summary>The original, JsonNode-based lead reader: the reference for <see cref="LeadReader"/>.</summary>
public sealed class ReferenceLeadReader(LeadSchema schema)
{
    public static ReferenceLeadReader Published { get; } = new(LeadSchema.Published);

    public LeadReadResult Read(JsonElement payload)
    {
        var notes = new List<LeadFinding>();
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return LeadReadResult.Refused(new LeadFinding("$", $"A lead must be a JSON object; this is {Describe(payload.ValueKind)}."));
        }

        var canonical = Normalize(payload, schema.Root, "$", notes);
        var canonicalBytes = CanonicalJson.Write(canonical);

        var problems = schema.Errors(canonicalBytes);
        if (problems.Count == 0 && !HasLeadContent(canonical, schema.Root))
        {
            var known = string.Join(", ", schema.Root.Properties.Select(p => p.Name));
            problems.Add(new LeadFinding("$", $"No lead content: none of {known} is present."));
        }

        if (problems.Count > 0) return new LeadReadResult(null, null, problems, notes);

        var lead = ToLead(canonical);
        return new LeadReadResult(lead, LeadIdentity.From(canonicalBytes), problems, notes);
    }

    private static JsonObject Normalize(JsonElement element, SchemaObject? schema, string path, List<LeadFinding> notes)
    {
        var result = new JsonObject();
        var repeatsInside = new Dictionary<string, List<LeadFinding>>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var declared = schema?.Find(property.Name);
            var name = declared?.Name ?? property.Name;
            var propertyPath = $"{path}.{name}";
            var value = property.Value;

            if (value.ValueKind == JsonValueKind.Null)
            {
                notes.Add(new LeadFinding(propertyPath, "null is treated as absent."));
                continue;
            }

            JsonNode? node;
            List<LeadFinding>? repeated = null;
            if (declared?.Type == "string" && value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                node = JsonValue.Create(value.GetRawText());
                notes.Add(new LeadFinding(propertyPath, $"{Describe(value.ValueKind)} coerced to a string."));
            }
            else if (declared?.Children is { } children && value.ValueKind == JsonValueKind.Object)
            {
                node = Normalize(value, children, propertyPath, notes);
            }
            else
            {
                // JsonObject cannot hold a repeated name: such a value is kept in canonical form, the last of each name.
                repeated = RepeatedNames(value, propertyPath);
                node = repeated.Count == 0 ? JsonNode.Parse(value.GetRawText()) : JsonNode.Parse(CanonicalJson.Write(LastOfEachName(value)!));
            }

            if (result.Remove(name))
            {
                notes.Add(new LeadFinding(propertyPath, "appears more than once (names match case-insensitively); the last one is used."));
            }

            repeatsInside.Remove(name);
            if (repeated is not null) repeatsInside[name] = repeated;
            result[name] = node;
        }

        // Then the names repeated inside the values this object keeps, in the order it keeps them.
        foreach (var (name, _) in result)
        {
            if (repeatsInside.TryGetValue(name, out var repeated)) notes.AddRange(repeated);
        }

        return result;
    }

    /// <summary>Each name repeated inside a value, innermost first, at its path (array items by index).</summary>
    private static List<LeadFinding> RepeatedNames(JsonElement value, string path)
    {
        var found = new List<LeadFinding>();
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray()) found.AddRange(RepeatedNames(item, $"{path}.{index++}"));
                break;
            case JsonValueKind.Object:
                var names = new List<string>();
                foreach (var property in value.EnumerateObject())
                {
                    found.AddRange(RepeatedNames(property.Value, $"{path}.{property.Name}"));
                    if (names.Contains(property.Name, StringComparer.Ordinal)) found.Add(new LeadFinding($"{path}.{property.Name}", "appears more than once; the last one is used."));
                    names.Add(property.Name);
                }

                break;
        }

        return found;
    }

    private static JsonNode? LastOfEachName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().Aggregate(new JsonObject(), (obj, p) =>
        {
            obj[p.Name] = LastOfEachName(p.Value);
            return obj;
        }),
        JsonValueKind.Array => new JsonArray([.. value.EnumerateArray().Select(LastOfEachName)]),
        _ => JsonNode.Parse(value.GetRawText()),
    };

    private static bool HasLeadContent(JsonObject canonical, SchemaObject schema) =>
        schema.Properties.Any(p => canonical[p.Name] switch
        {
            JsonObject nested when p.Children is { } children => HasLeadContent(nested, children),
            JsonValue => true,
            _ => false,
        });

    private static Lead ToLead(JsonObject canonical)
    {
        var user = canonical["UserDetails"] as JsonObject ?? [];
        return new Lead(
            Text(canonical, "ActionCode"),
            Text(canonical, "OfferTitle"),
            LeadSource.Parse(Text(canonical, "LeadSource")),
            Text(canonical, "Description"),
            new CustomerDetails(
                Text(user, "FirstName"),
                Text(user, "LastName"),
                Text(user, "Email"),
                Text(user, "Phone"),
                Text(user, "Country"),
                Text(user, "Company"),
                Text(user, "Title")),
            canonical);
    }

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
