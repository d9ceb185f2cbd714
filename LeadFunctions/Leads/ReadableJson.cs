namespace LeadFunctions.Leads;

/// <summary>JSON that people read or a CRM stores, with non-Latin scripts and emoji kept as characters, not <c>\u</c>
/// escapes. Not for the canonical form the lead id hashes: it keeps its own escaping, so lead ids never change.</summary>
public static class ReadableJson
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = ReadableJsonEncoder.Instance };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}
