using System.Buffers;

namespace LeadFunctions.Leads;

/// <summary>Properties sorted by ordinal name at every level (a repeated name: the last one), no whitespace.</summary>
public static class CanonicalJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static readonly Comparer<LeadReader.Entry> ByName = Comparer<LeadReader.Entry>.Create(static (a, b) => string.CompareOrdinal(a.Name,
        b.Name));

    public static byte[] Write(JsonNode node) => Write(node, static (writer, n) => WriteNode(writer, n)).ToArray();

    /// <summary>The bytes the lead id hashes, valid until the next write on this thread.</summary>
    internal static ReadOnlyMemory<byte> Write(LeadReader.LeadObject level) => Write(level, static (writer, l) => WriteObject(writer, l));

    /// <summary>An unknown property's value; a repeated name inside it is built from its canonical form (JsonObject would throw).</summary>
    internal static JsonNode? AsPosted(JsonElement value) =>
        value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasDuplicates(value)
            ? JsonNode.Parse(Write(value, static (writer, v) => WriteElement(writer, v)).Span)
            : JsonNode.Parse(value.GetRawText());

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
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) NoteDuplicates(property.Value, $"{path}.{property.Name}",
                ref walk);
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

    private static void WriteObject(Utf8JsonWriter writer, LeadReader.LeadObject level)
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
                if (entry.Children is { } children) WriteObject(writer, children);
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
