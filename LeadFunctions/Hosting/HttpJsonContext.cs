using System.Text.Json.Serialization;
using LeadFunctions.Hosting.Standalone;
using LeadFunctions.Intake;
using LeadFunctions.Leads;

namespace LeadFunctions.Hosting;

/// <summary>Every type the app's HTTP answers carry as JSON, source-generated (no reflection at run time).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ServiceAnswer))]
[JsonSerializable(typeof(HealthSummary))]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(LeadAccepted))]
[JsonSerializable(typeof(LeadFinding[]))] // the "errors" extension of an invalid lead's problem details
internal sealed partial class HttpJsonContext : JsonSerializerContext;
