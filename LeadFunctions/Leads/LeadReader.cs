using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Json.Schema;

namespace LeadFunctions.Leads;

/// <summary>
/// Turns a posted payload into a <see cref="Lead"/>, leniently (docs/design.md, "Endpoint answers"): names match case-insensitively, a scalar
/// sent where a string belongs is coerced, <c>null</c> means absent, unknown properties are kept. What cannot be read
/// as a lead is reported as problems, each with its JSON path.
/// </summary>
/// <remarks>
/// One pass over the payload normalises it, checks the property types the schema declares and writes the canonical
/// form the lead id hashes. JsonSchema.Net evaluates the canonical form only when that check could not prove it valid
/// (a wrong type, or a schema with keywords beyond property types), so that its report stays the one clients see.
/// </remarks>
public sealed class LeadReader(LeadSchema schema)
{
    public static LeadReader Published { get; } = new(LeadSchema.Published);

    private const string UserDetailsPath = "$.UserDetails";

    private static readonly LeadIssue NotText = new("$", "A name or value is not valid Unicode text (invalid UTF-8, or an unpaired surrogate such as \\ud800).");

    public LeadReadResult Read(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return LeadReadResult.Rejected(new LeadIssue("$", $"A lead must be a JSON object; this is {Describe(payload.ValueKind)}."));
        }

        // The payload travels verbatim in the queue envelope, so all of it must be text, not only what the lead keeps.
        if (!IsText(payload)) return LeadReadResult.Rejected(NotText);

        var walk = new Walk();
        Level? root = null;
        try
        {
            string leadId;
            List<LeadIssue>? problems = null;
            try
            {
                root = Normalize(payload, schema.Root, "$", ref walk);
                var canonical = CanonicalJson.Write(root);
                leadId = LeadIdentity.From(canonical.Span);
                if (!walk.Proven || !schema.TypesOnly) problems = schema.Problems(canonical);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                return LeadReadResult.Rejected(NotText);
            }

            var notes = (IReadOnlyList<LeadIssue>?)walk.Notes ?? [];
            if (problems is not { Count: > 0 } && !HasLeadContent(root, schema.Root))
            {
                var known = string.Join(", ", schema.Root.Properties.Select(p => p.Name));
                problems = [new LeadIssue("$", $"No lead content: none of {known} is present.")];
            }

            if (problems is { Count: > 0 }) return new LeadReadResult(null, null, problems, notes);
            return new LeadReadResult(ToLead(root), leadId, [], notes);
        }
        finally
        {
            root?.Return();
        }
    }

    /// <summary>
    /// JSON syntax allows "\ud800", and the parser lets invalid UTF-8 through inside strings: neither can be read as
    /// text. Valid UTF-8 without \u escapes is text; with escapes, writing it (which unescapes) tells.
    /// </summary>
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

    private static Level Normalize(JsonElement element, SchemaObject? schema, string path, ref Walk walk)
    {
        var level = Level.Rent();
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
                entry = new Entry(name, value, null, Normalize(value, children, path == "$" && name == "UserDetails" ? UserDetailsPath : $"{path}.{name}", ref walk));
            }
            else
            {
                entry = new Entry(name, value, null, null);
            }

            // What the normaliser cannot prove is left to the schema evaluation: a declared type that does not match.
            if (declared?.Type is "string" && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) walk.Proven = false;
            if (declared?.Type is "object" && value.ValueKind is not JsonValueKind.Object) walk.Proven = false;

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

    private static bool HasLeadContent(Level level, SchemaObject schema)
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

    private static Lead ToLead(Level root)
    {
        var user = root.Find("UserDetails") is { } details ? details.Children ?? Level.Empty : Level.Empty;
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

    /// <summary>What one read collects on its way: notes in document order, and whether every declared type held.</summary>
    internal struct Walk()
    {
        public List<LeadIssue>? Notes;

        public bool Proven = true;

        public void Note(string path, string name, string message) => (Notes ??= []).Add(new LeadIssue($"{path}.{name}", message));
    }

    /// <summary>A property of the normalised lead: its canonical name, its text (strings and coerced scalars) or children.</summary>
    internal readonly record struct Entry(string Name, JsonElement Value, string? Text, Level? Children);

    /// <summary>One object of the normalised lead, in the order names first appeared (a repeated name moves to the end).</summary>
    internal sealed class Level
    {
        public static readonly Level Empty = new();

        private Entry[] _entries = [];
        private int _count;
        private int _gaps;
        private Dictionary<string, int>? _index;

        [ThreadStatic]
        private static Level? t_free;

        private Level? _nextFree;

        /// <summary>A level from this thread's free list (a read uses one per object of the lead, then returns them).</summary>
        public static Level Rent()
        {
            var level = t_free ?? new Level();
            t_free = level._nextFree;
            level._nextFree = null;
            level._entries = ArrayPool<Entry>.Shared.Rent(16);
            return level;
        }

        /// <summary>Adds a property; true when it replaced one of the same name (the last one wins).</summary>
        public bool Add(Entry entry)
        {
            // A replaced entry becomes a gap (Compact closes the gaps once), so that many repeats stay linear.
            var existing = IndexOf(entry.Name);
            if (existing >= 0)
            {
                _entries[existing].Children?.Return();
                _entries[existing] = default;
                _gaps++;
            }

            if (_count == _entries.Length)
            {
                var larger = ArrayPool<Entry>.Shared.Rent(_entries.Length * 2);
                _entries.AsSpan(0, _count).CopyTo(larger);
                ReturnArray();
                _entries = larger;
            }

            _entries[_count] = entry;
            if (_index is not null) _index[entry.Name] = _count;
            _count++;
            return existing >= 0;
        }

        /// <summary>Closes the gaps that replaced entries left, keeping the order.</summary>
        public void Compact()
        {
            if (_gaps == 0) return;
            var kept = 0;
            for (var i = 0; i < _count; i++)
            {
                if (_entries[i].Name is not null) _entries[kept++] = _entries[i];
            }

            Array.Clear(_entries, kept, _count - kept);
            _count = kept;
            _gaps = 0;
            _index = null;
        }

        public Entry? Find(string name) => IndexOf(name) is var i and >= 0 ? _entries[i] : null;

        public string? Text(string name) => Find(name)?.Text;

        public ReadOnlySpan<Entry> Entries => _entries.AsSpan(0, _count);

        /// <summary>The normalised lead as a JSON object (what <see cref="Lead.Canonical"/> holds), names in the order they came.</summary>
        public JsonObject ToJsonObject()
        {
            // Built from a sized collection: JsonObject then allocates its dictionary once instead of growing it.
            var properties = ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Rent(Math.Max(_count, 1));
            try
            {
                for (var i = 0; i < _count; i++)
                {
                    var entry = _entries[i];
                    properties[i] = new(entry.Name, entry switch
                    {
                        { Children: { } children } => children.ToJsonObject(),
                        { Text: { } text } => JsonValue.Create(text),
                        _ => CanonicalJson.AsPosted(entry.Value),
                    });
                }

                return new JsonObject(new ArraySegment<KeyValuePair<string, JsonNode?>>(properties, 0, _count));
            }
            finally
            {
                ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Return(properties, clearArray: true);
            }
        }

        public void Return()
        {
            if (ReferenceEquals(this, Empty)) return;
            foreach (var entry in Entries) entry.Children?.Return();
            ReturnArray();
            _entries = [];
            _count = 0;
            _gaps = 0;
            _index = null;
            _nextFree = t_free;
            t_free = this;
        }

        private void ReturnArray()
        {
            if (_entries.Length > 0) ArrayPool<Entry>.Shared.Return(_entries, clearArray: true);
        }

        private int IndexOf(string name)
        {
            if (_index is null && _count > 16)
            {
                _index = new Dictionary<string, int>(_count, StringComparer.Ordinal);
                for (var i = 0; i < _count; i++)
                {
                    if (_entries[i].Name is { } existing) _index[existing] = i;
                }
            }

            if (_index is not null) return _index.GetValueOrDefault(name, -1);
            for (var i = 0; i < _count; i++)
            {
                if (string.Equals(_entries[i].Name, name, StringComparison.Ordinal)) return i;
            }

            return -1;
        }
    }
}

/// <summary>A problem (the payload is rejected) or a note (the payload was accepted with a change), at a JSON path.</summary>
public sealed record LeadIssue(string Path, string Message);

public sealed record LeadReadResult(Lead? Lead, string? LeadId, IReadOnlyList<LeadIssue> Problems, IReadOnlyList<LeadIssue> Notes)
{
    public bool IsLead => Lead is not null;

    public static LeadReadResult Rejected(LeadIssue problem) => new(null, null, [problem], []);
}

/// <summary>The lead id: a hash of the canonical payload, so the same lead posted twice has the same id.</summary>
public static class LeadIdentity
{
    public static string From(ReadOnlySpan<byte> canonicalJson)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(canonicalJson, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}

/// <summary>
/// Canonical JSON: properties sorted by ordinal name at every level (a repeated name: the last one), no whitespace,
/// strings escaped the way <see cref="Utf8JsonWriter"/> escapes them by default.
/// </summary>
public static class CanonicalJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static readonly Comparer<LeadReader.Entry> ByName = Comparer<LeadReader.Entry>.Create(static (a, b) => string.CompareOrdinal(a.Name, b.Name));

    public static byte[] Write(JsonNode node) => Write(node, static (writer, n) => WriteNode(writer, n)).ToArray();

    /// <summary>A normalised lead in canonical form (the bytes the lead id hashes), valid until the next write on this thread.</summary>
    internal static ReadOnlyMemory<byte> Write(LeadReader.Level level) => Write(level, static (writer, l) => WriteLevel(writer, l));

    /// <summary>
    /// A node for a value kept as it was posted (an unknown property). A repeated name inside it would make
    /// <see cref="JsonObject"/> throw, so such a value is built from its canonical form instead.
    /// </summary>
    internal static JsonNode? AsPosted(JsonElement value) =>
        value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasDuplicates(value)
            ? JsonNode.Parse(Write(value, static (writer, v) => WriteElement(writer, v)).Span)
            : JsonNode.Parse(value.GetRawText());

    /// <summary>Notes every name repeated inside an unknown value, in document order, at its path.</summary>
    internal static void NoteDuplicates(JsonElement value, string path, ref LeadReader.Walk walk)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array) NoteDuplicates(item, $"{path}.{i}", ref walk);
                i++;
            }

            return;
        }

        HashSet<string>? seen = null;
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) NoteDuplicates(property.Value, $"{path}.{property.Name}", ref walk);
            if (!(seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(property.Name))
            {
                walk.Note(path, property.Name, "appears more than once; the last one is used.");
            }
        }
    }

    private static ReadOnlyMemory<byte> Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        // One buffer and writer per thread: the canonical form is short-lived, only its bytes are kept.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            write(writer, value);
            writer.Flush();
            return buffer.WrittenMemory;
        }
        catch
        {
            // A writer left in an error state is not reused.
            t_writer = null;
            throw;
        }
        finally
        {
            if (buffer.Capacity > 64 * 1024)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }

    private static void WriteLevel(Utf8JsonWriter writer, LeadReader.Level level)
    {
        var count = level.Entries.Length;
        var sorted = ArrayPool<LeadReader.Entry>.Shared.Rent(Math.Max(count, 1));
        try
        {
            level.Entries.CopyTo(sorted);
            Array.Sort(sorted, 0, count, ByName);
            writer.WriteStartObject();
            for (var i = 0; i < count; i++)
            {
                var entry = sorted[i];
                writer.WritePropertyName(entry.Name);
                if (entry.Children is { } children) WriteLevel(writer, children);
                else if (entry.Text is { } text) writer.WriteStringValue(text);
                else WriteElement(writer, entry.Value);
            }

            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<LeadReader.Entry>.Shared.Return(sorted, clearArray: true);
        }
    }

    private static void WriteElement(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // The last of a repeated name wins, as at the lead's own levels.
                var properties = new List<(string Name, JsonElement Value)>();
                var last = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    last[property.Name] = properties.Count;
                    properties.Add((property.Name, property.Value));
                }

                var kept = properties.Where((p, i) => last[p.Name] == i).OrderBy(p => p.Name, StringComparer.Ordinal);
                writer.WriteStartObject();
                foreach (var (name, value) in kept)
                {
                    writer.WritePropertyName(name);
                    WriteElement(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteElement(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static bool HasDuplicates(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasDuplicates(item)) return true;
            }

            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name)) return true;
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasDuplicates(property.Value)) return true;
        }

        return false;
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteNode(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteNode(writer, item);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
