using System.Text.Json.Serialization;

namespace LeadFunctions.Leads;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LeadEnvelope))]
internal sealed partial class LeadJsonContext : JsonSerializerContext;
