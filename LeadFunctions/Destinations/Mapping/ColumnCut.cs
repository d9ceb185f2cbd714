using LeadFunctions.Leads;

namespace LeadFunctions.Destinations.Mapping;

/// <summary>Never inside an emoji or before a combining mark; JSON stays valid JSON.</summary>
public static class ColumnCut
{
    /// <summary>What ends a string that <see cref="Json"/> shortened, so a reader sees it was cut.</summary>
    public const string CutMark = "…";

    public static string Text(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        if (maxLength <= 0) return "";

        var cut = 0;
        while (cut < text.Length)
        {
            var next = StringInfo.GetNextTextElementLength(text, cut);
            if (cut + next > maxLength) break;
            cut += next;
        }

        // One "character" longer than the column (a letter with hundreds of combining marks): cut between code points.
        if (cut == 0)
        {
            cut = maxLength;
            if (char.IsHighSurrogate(text[cut - 1])) cut--;
        }

        return text[..cut];
    }

    /// <summary>The longest strings are shortened first; only if that cannot fit are the last members left out.</summary>
    public static string Json(JsonNode node, int maxLength)
    {
        var json = ReadableJson.Write(node);
        if (json.Length <= maxLength) return json;

        var kept = node.DeepClone();
        while (true)
        {
            if (Shortened(kept, maxLength) is { } shortened) return shortened;
            switch (kept)
            {
                case JsonObject { Count: > 0 } obj:
                    obj.Remove(obj.Last().Key);
                    break;
                case JsonArray { Count: > 0 } array:
                    array.RemoveAt(array.Count - 1);
                    break;
                default:
                    return "";
            }
        }
    }

    private static string? Shortened(JsonNode node, int maxLength)
    {
        // The largest string length that fits, by bisection: a lead's JSON is small, each try is one write.
        int low = 0, high = LongestString(node);
        string? best = null;
        while (low <= high)
        {
            var cap = low + ((high - low) / 2);
            var text = ReadableJson.Write(Capped(node, cap)!);
            if (text.Length <= maxLength)
            {
                best = text;
                low = cap + 1;
            }
            else
            {
                high = cap - 1;
            }
        }

        return best;
    }

    private static JsonNode? Capped(JsonNode? node, int cap) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Capped(p.Value, cap)))),
        JsonArray array => new JsonArray([.. array.Select(item => Capped(item, cap))]),
        JsonValue value when value.TryGetValue(out string? text) && text.Length > cap =>
            JsonValue.Create(cap < CutMark.Length ? "" : Text(text, cap - CutMark.Length) + CutMark),
        _ => node?.DeepClone(),
    };

    private static int LongestString(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Select(p => LongestString(p.Value)).DefaultIfEmpty(0).Max(),
        JsonArray array => array.Select(LongestString).DefaultIfEmpty(0).Max(),
        JsonValue value when value.TryGetValue(out string? text) => text.Length,
        _ => 0,
    };
}
