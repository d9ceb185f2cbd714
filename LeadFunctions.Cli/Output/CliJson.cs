using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using LeadFunctions.Cli.Import;
using LeadFunctions.Cli.Poison;
using LeadFunctions.Cli.Status;

namespace LeadFunctions.Cli.Output;

/// <summary>The CLI's one JSON configuration for <c>--json</c> output: camelCase, indented, nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(List<PoisonMessageView>))]
[JsonSerializable(typeof(PoisonMessageView))]
[JsonSerializable(typeof(ImportReport))]
[JsonSerializable(typeof(List<LeadFunctions.Cli.Route.RoutedLead>))]
[JsonSerializable(typeof(LeadFunctions.Hosting.HealthAnswer))] // read from the app's /api/health/details (status --health)
internal sealed partial class CliJson : JsonSerializerContext
{
    /// <summary>The context for output: the options above, with characters such as ' and + written as they are.</summary>
    public static CliJson Output { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
