using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Functions;
using LeadFunctions.Routing;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Tests.Docs;

/// <summary>
/// docs/settings.md, local.settings.sample.json and the options classes name the same settings: a setting added in
/// code but not documented, documented but gone, or missing from the sample fails here.
/// </summary>
public sealed partial class SettingsDocumentationTests
{
    private static readonly StringComparer Names = StringComparer.OrdinalIgnoreCase; // configuration keys ignore case

    [Fact]
    public void Settings_md_names_every_setting_the_code_reads_and_no_other()
    {
        var documented = Documented().Select(d => d.Name).SelectMany(Expand).ToHashSet(Names);
        var code = CodeSettings();

        Assert.Empty(code.Except(documented, Names).Order());
        Assert.Empty(documented.Except(code, Names).Order());
    }

    [Fact]
    public void The_local_sample_has_every_documented_setting_except_those_for_Azure_only_and_no_other()
    {
        var documented = Documented().Where(d => !d.AzureOnly).Select(d => d.Name).SelectMany(Expand).ToHashSet(Names);
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var inSample = sample.RootElement.GetProperty("Values").EnumerateObject()
            .Select(p => RuleIndex().Replace(ColumnPlaceholder().Replace(p.Name, "__${kind}__<column>"), "Routes__<n>__")).ToHashSet(Names);

        Assert.Empty(documented.Except(inSample, Names).Order());
        Assert.Empty(inSample.Except(documented, Names).Order());
    }

    /// <summary>The settings the app binds or reads, from its options classes and the few it reads by name.</summary>
    private static HashSet<string> CodeSettings()
    {
        var settings = new HashSet<string>(Names)
        {
            "FUNCTIONS_WORKER_RUNTIME",                 // the Functions host's own, which the app does not read
            TelemetryExtensions.AppInsightsSetting,
            AppInsightsAuthentication.Setting,
            TelemetryOptions.OtlpEndpointSetting,
            ProcessLead.QueueSetting,                   // also StorageOptions.LeadQueueName, bound by hand (Storage/StorageExtensions.cs)
            StorageOptions.Section,                     // the connection string: the section's own value
        };

        foreach (var type in typeof(Program).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is not string section) continue;
            if (section.StartsWith("AzureFunctionsJobHost", StringComparison.Ordinal)) continue; // host.json, documented apart
            var prefix = section.Replace(":", "__", StringComparison.Ordinal);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
            {
                if (type == typeof(StorageOptions) && property.Name is nameof(StorageOptions.ConnectionString) or nameof(StorageOptions.LeadQueueName)) continue;
                var isDictionary = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>);
                settings.Add($"{prefix}__{property.Name}{(isDictionary ? "__<column>" : "")}");
            }
        }

        // Routes__<n>__…: each rule of the ordered list (Routing/RoutesOptions.cs reads them by index).
        foreach (var property in typeof(RouteRule).GetProperties(BindingFlags.Public | BindingFlags.Instance)) settings.Add($"Routes__<n>__{property.Name}");
        return settings;
    }

    /// <summary>The rows of the table in docs/settings.md: the setting, and whether the sample leaves it out.</summary>
    private static List<(string Name, bool AzureOnly)> Documented()
    {
        var rows = File.ReadLines(Path.Combine(RepoPaths.Root, "docs", "settings.md"))
            .SkipWhile(l => l != "## The table")
            .TakeWhile(l => !l.StartsWith("## Queue trigger", StringComparison.Ordinal))
            .Select(l => Row().Match(l))
            .Where(m => m.Success)
            .Select(m => (m.Groups["name"].Value, m.Groups["sample"].Value.Trim() == "Azure only"))
            .ToList();
        Assert.True(rows.Count > 30, $"only {rows.Count} settings read from docs/settings.md's table");
        return rows;
    }

    /// <summary><c>Destinations__&lt;Destination&gt;__…</c> stands for each CRM reached over HTTPS.</summary>
    private static IEnumerable<string> Expand(string name) => name.Contains("<Destination>", StringComparison.Ordinal)
        ? HttpDestinations().Select(d => name.Replace("<Destination>", d, StringComparison.Ordinal))
        : [name];

    private static IEnumerable<string> HttpDestinations() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(CrmHttpOptions)))
            .Select(t => ((string)t.GetField("Section")!.GetRawConstantValue()!).Split(':')[1]);

    [GeneratedRegex(@"^\| `(?<name>[^`]+)` \|.*\| (?<sample>[^|]+) \|$")]
    private static partial Regex Row();

    [GeneratedRegex(@"^Routes__[0-9]+__")]
    private static partial Regex RuleIndex();

    [GeneratedRegex(@"__(?<kind>Mapping|MaxLength)__[^_].*$")]
    private static partial Regex ColumnPlaceholder();
}
