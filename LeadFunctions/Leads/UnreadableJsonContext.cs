using System.Text.Json.Serialization;

namespace LeadFunctions.Leads;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UnreadableMessage))]
internal sealed partial class UnreadableJsonContext : JsonSerializerContext;
