using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// The function app's application settings exactly as infra/main.bicep gives them: infra/main.bicep compiled with the
/// pinned Bicep CLI (eng/bicep.sh), and the <c>Microsoft.Web/sites/config</c> <c>appsettings</c> of the <c>api</c>
/// module evaluated with the template's own defaults (<see cref="ArmScope"/>). What Azure computes at deployment
/// stays a placeholder (<c>⟪Microsoft.Storage/storageAccounts:primaryEndpoints.queue⟫</c>) until
/// <see cref="WithStandIns"/> puts the local stand-in's value there.
/// </summary>
public static partial class BicepAppSettings
{
    /// <summary>The ARM template infra/main.bicep compiles to.</summary>
    public static async Task<JsonObject> CompileAsync()
    {
        var bicep = (await RunAsync("bash", Path.Combine(RepoPaths.Root, "eng", "bicep.sh"), "--path")).Trim().Split('\n')[^1];
        var folder = Directory.CreateTempSubdirectory("leadfunctions-main-json-");
        try
        {
            var outFile = Path.Combine(folder.FullName, "main.json");
            await RunAsync(bicep, "build", Path.Combine(RepoPaths.Root, "infra", "main.bicep"), "--outfile", outFile);
            return JsonNode.Parse(await File.ReadAllTextAsync(outFile))!.AsObject();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The app settings of the function app, for the given parameters of main.bicep (the rest take their defaults).</summary>
    public static IReadOnlyDictionary<string, string> Of(JsonObject main, IReadOnlyDictionary<string, object?> parameters)
    {
        var mainScope = new ArmScope(main, parameters);
        var api = Resources(main).Single(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == "api")["properties"]!;
        var moduleParameters = api["parameters"]!.AsObject().ToDictionary(p => p.Key, p => mainScope.Evaluate(p.Value!["value"]));
        var module = api["template"]!.AsObject();
        var config = Resources(module).Single(r => (string?)r["type"] == "Microsoft.Web/sites/config" && ((string?)r["name"])!.Contains("'appsettings'", StringComparison.Ordinal));
        var settings = new ArmScope(module, moduleParameters).Evaluate(config["properties"]) as JsonObject
            ?? throw new InvalidOperationException("The app settings did not evaluate to an object.");
        return settings.ToDictionary(p => p.Key, p => ArmScope.Text(ArmExpressionReader.Unwrap(p.Value)));
    }

    /// <summary>The placeholders (values computed at deployment) in the settings' values.</summary>
    public static IEnumerable<string> Placeholders(string value) => Placeholder().Matches(value).Select(m => m.Value);

    /// <summary>
    /// The settings with every value Azure computes replaced by the stand-in's (keyed by placeholder). A placeholder
    /// without a stand-in fails, naming the setting: the run would otherwise start with a value Azure never gives.
    /// </summary>
    public static Dictionary<string, string> WithStandIns(IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string> standIns)
    {
        var filled = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in settings)
        {
            filled[name] = Placeholder().Replace(value, m => standIns.TryGetValue(m.Value, out var standIn)
                ? standIn
                : throw new InvalidOperationException($"App setting {name} has {m.Value}, which Azure computes at deployment and no local stand-in provides."));
        }

        return filled;
    }

    private static IEnumerable<JsonNode> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray list => list.Select(r => r!),
        JsonObject named => named.Select(p => p.Value!),
        _ => [],
    };

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed:\n{await output}{await error}");
    }

    [GeneratedRegex("⟪[^⟫]*⟫")]
    private static partial Regex Placeholder();
}
