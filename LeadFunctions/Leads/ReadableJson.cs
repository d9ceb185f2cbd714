namespace LeadFunctions.Leads;

/// <summary>Non-Latin scripts and emoji as characters. Not for the canonical form: lead ids never change.</summary>
public static class ReadableJson
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = ReadableJsonEncoder.Instance };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}
