using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Leads;

namespace LeadFunctions.Tests.Leads;

// The lead reader as it was before it was optimised (commit 53939a7), kept verbatim as the oracle the optimised
// LeadReader must agree with: same lead id, same problems, same notes, for every payload the old one could read.

/// <summary>The original, JsonNode-based lead reader: the reference for <see cref="LeadReader"/>.</summary>
public sealed class ReferenceLeadReader(LeadSchema schema)
{
    public static ReferenceLeadReader Published { get; } = new(LeadSchema.Published);

    public LeadReadResult Read(JsonElement payload)
    {
        var notes = new List<LeadIssue>();
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return LeadReadResult.Rejected(new LeadIssue("$", $"A lead must be a JSON object; this is {Describe(payload.ValueKind)}."));
        }

        var canonical = Normalize(payload, schema.Root, "$", notes);
        var canonicalBytes = CanonicalJson.Write(canonical);

        var problems = schema.Problems(canonicalBytes);
        if (problems.Count == 0 && !HasLeadContent(canonical, schema.Root))
        {
            var known = string.Join(", ", schema.Root.Properties.Select(p => p.Name));
            problems.Add(new LeadIssue("$", $"No lead content: none of {known} is present."));
        }

        if (problems.Count > 0) return new LeadReadResult(null, null, problems, notes);

        var lead = ToLead(canonical);
        return new LeadReadResult(lead, LeadIdentity.From(canonicalBytes), problems, notes);
    }

    private static JsonObject Normalize(JsonElement element, SchemaObject? schema, string path, List<LeadIssue> notes)
    {
        var result = new JsonObject();
        foreach (var property in element.EnumerateObject())
        {
            var declared = schema?.Find(property.Name);
            var name = declared?.Name ?? property.Name;
            var propertyPath = $"{path}.{name}";
            var value = property.Value;

            if (value.ValueKind == JsonValueKind.Null)
            {
                notes.Add(new LeadIssue(propertyPath, "null is treated as absent."));
                continue;
            }

            JsonNode? node;
            if (declared?.Type == "string" && value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                node = JsonValue.Create(value.GetRawText());
                notes.Add(new LeadIssue(propertyPath, $"{Describe(value.ValueKind)} coerced to a string."));
            }
            else if (declared?.Children is { } children && value.ValueKind == JsonValueKind.Object)
            {
                node = Normalize(value, children, propertyPath, notes);
            }
            else
            {
                node = JsonNode.Parse(value.GetRawText());
            }

            if (result.Remove(name))
            {
                notes.Add(new LeadIssue(propertyPath, "appears more than once (names match case-insensitively); the last one is used."));
            }

            result[name] = node;
        }

        return result;
    }

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
