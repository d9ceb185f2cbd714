namespace LeadFunctions.Leads;

/// <summary>
/// The one way the app writes JSON that people read or that a CRM stores — the Table destination's <c>CustomerInfo</c>,
/// a mapped field that names an object, every CRM request body: valid JSON with non-Latin scripts and emoji kept as
/// characters (<see cref="ReadableJsonEncoder"/>), not <c>\u</c> escapes. The canonical form the lead id hashes is not
/// written this way: it keeps its own escaping, so lead ids never change.
/// </summary>
public static class ReadableJson
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = ReadableJsonEncoder.Instance };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}
