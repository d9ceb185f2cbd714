using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace LeadFunctions.Leads;

/// <summary>JsonSchema.Net runs only when one pass cannot prove the payload valid (docs/design.md, "Endpoint answers").</summary>
public sealed partial class LeadReader(LeadSchema schema)
{
    public static LeadReader Published { get; } = new(LeadSchema.Published);

    private const string UserDetailsPath = "$.UserDetails";

    private static readonly LeadFinding NotText = new("$", "A name or value is not valid Unicode text (invalid UTF-8, or an unpaired surrogate " +
        "such as \\ud800).");

    public LeadReadResult Read(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return LeadReadResult.Refused(new LeadFinding("$", $"A lead must be a JSON object; this is {Describe(payload.ValueKind)}."));
        }

        // The payload travels verbatim in the queue envelope, so all of it must be text, not only what the lead keeps.
        if (!IsText(payload)) return LeadReadResult.Refused(NotText);

        var walk = new Walk();
        LeadObject? root = null;
        try
        {
            string leadId;
            List<LeadFinding>? problems = null;
            try
            {
                root = Normalize(payload, schema.Root, "$", ref walk);
                var canonical = CanonicalJson.Write(root);
                leadId = LeadIdentity.From(canonical.Span);
                if (!walk.TypesHeld || !schema.TypesOnly) problems = schema.Errors(canonical);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                return LeadReadResult.Refused(NotText);
            }

            var notes = (IReadOnlyList<LeadFinding>?)walk.Notes ?? [];
            if (problems is not { Count: > 0 } && !HasLeadContent(root, schema.Root))
            {
                var known = string.Join(", ", schema.Root.Properties.Select(p => p.Name));
                problems = [new LeadFinding("$", $"No lead content: none of {known} is present.")];
            }

            if (problems is { Count: > 0 }) return new LeadReadResult(null, null, problems, notes);
            return new LeadReadResult(ToLead(root), leadId, [], notes);
        }
        finally
        {
            root?.Return();
        }
    }

    /// <summary>JSON allows "\ud800" and lets invalid UTF-8 through in strings; neither is text.</summary>
    private static bool IsText(JsonElement payload)
    {
        var raw = JsonMarshal.GetRawUtf8Value(payload);
        if (!Utf8.IsValid(raw)) return false;
        if (raw.IndexOf("\\u"u8) < 0) return true;
        try
        {
            using var writer = new Utf8JsonWriter(Stream.Null);
            payload.WriteTo(writer);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    private static LeadObject Normalize(JsonElement element, SchemaObject? schema, string path, ref Walk walk)
    {
        var level = LeadObject.Rent();
        foreach (var property in element.EnumerateObject())
        {
            var declared = schema?.Find(property);
            var name = declared?.Name ?? property.Name;
            var value = property.Value;

            if (value.ValueKind == JsonValueKind.Null)
            {
                walk.Note(path, name, "null is treated as absent.");
                continue;
            }

            Entry entry;
            if (declared?.Type == "string" && value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                entry = new Entry(name, value, value.GetRawText(), null);
                walk.Note(path, name, $"{Describe(value.ValueKind)} coerced to a string.");
            }
            else if (value.ValueKind == JsonValueKind.String)
            {
                entry = new Entry(name, value, value.GetString(), null);
            }
            else if (declared?.Children is { } children && value.ValueKind == JsonValueKind.Object)
            {
                entry = new Entry(name, value, null, Normalize(value, children, path == "$"
                    && name == "UserDetails" ? UserDetailsPath : $"{path}.{name}", ref walk));
            }
            else
            {
                entry = new Entry(name, value, null, null);
            }

            // What the normaliser cannot prove is left to the schema evaluation: a declared type that does not match.
            if (declared?.Type is "string" && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) walk.TypesHeld = false;
            if (declared?.Type is "object" && value.ValueKind is not JsonValueKind.Object) walk.TypesHeld = false;

            if (level.Add(entry)) walk.Note(path, name, "appears more than once (names match case-insensitively); the last one is used.");
        }

        level.Compact();

        // Names repeated inside the unknown values that are kept (the canonical form keeps the last of each).
        foreach (var entry in level.Entries)
        {
            if (entry is { Text: null, Children: null, Value.ValueKind: JsonValueKind.Object or JsonValueKind.Array })
            {
                CanonicalJson.NoteDuplicates(entry.Value, $"{path}.{entry.Name}", ref walk);
            }
        }

        return level;
    }

    private static bool HasLeadContent(LeadObject level, SchemaObject schema)
    {
        for (var i = 0; i < schema.PropertyList.Count; i++)
        {
            var declared = schema.PropertyList[i];
            if (level.Find(declared.Name) is not { } entry) continue;
            if (entry.Children is { } nested && declared.Children is { } children)
            {
                if (HasLeadContent(nested, children)) return true;
            }
            else if (entry.Text is not null || entry.Value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                return true;
            }
        }

        return false;
    }

    private static Lead ToLead(LeadObject root)
    {
        var user = root.Find("UserDetails") is { } details ? details.Children ?? LeadObject.Empty : LeadObject.Empty;
        return new Lead(
            root.Text("ActionCode"),
            root.Text("OfferTitle"),
            LeadSource.Parse(root.Text("LeadSource")),
            root.Text("Description"),
            new CustomerDetails(
                user.Text("FirstName"),
                user.Text("LastName"),
                user.Text("Email"),
                user.Text("Phone"),
                user.Text("Country"),
                user.Text("Company"),
                user.Text("Title")),
            root.ToJsonObject());
    }

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
