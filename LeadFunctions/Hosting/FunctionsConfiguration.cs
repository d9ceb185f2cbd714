using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace LeadFunctions.Hosting;

/// <summary>Reads settings where the Functions host does (docs/design.md, "D2. Standalone mode stays").</summary>
public static class FunctionsConfiguration
{
    public const string HostJson = "host.json";

    public const string LocalSettingsJson = "local.settings.json";

    public static void AddFunctionsConfiguration(this IConfigurationManager configuration, string contentRoot, HostingMode mode)
    {
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var hostJson = Find(HostJson, contentRoot)
            ?? throw new FileNotFoundException($"{HostJson} was not found in {contentRoot} or {AppContext.BaseDirectory}.");
        sources.Insert(0, Memory(Flatten(JsonNode.Parse(File.ReadAllText(hostJson)), "AzureFunctionsJobHost")));

        var localSettings = Path.Combine(contentRoot, LocalSettingsJson);
        if (mode.IsFunctions || !File.Exists(localSettings)) return;
        var values = JsonNode.Parse(File.ReadAllText(localSettings),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })?["Values"];
        var settings = Flatten(values, null).ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value);
        var environment = sources.Select((s, i) => (s, i)).FirstOrDefault(x => x.s is EnvironmentVariablesConfigurationSource);
        sources.Insert(environment.s is null ? sources.Count : environment.i, Memory(settings));
    }

    /// <summary>host.json's <c>extensions.http.routePrefix</c>: the host puts every HTTP route under it; so does standalone mode.</summary>
    public static string RoutePrefix(this IConfiguration configuration) =>
        configuration["AzureFunctionsJobHost:extensions:http:routePrefix"] ?? "api";

    private static string? Find(string fileName, string contentRoot) =>
        new[] { contentRoot, AppContext.BaseDirectory }.Select(dir => Path.Combine(dir, fileName)).FirstOrDefault(File.Exists);

    private static MemoryConfigurationSource Memory(IEnumerable<KeyValuePair<string, string?>> data) => new() { InitialData = data.ToList() };

    private static IEnumerable<KeyValuePair<string, string?>> Flatten(JsonNode? node, string? prefix)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    foreach (var pair in Flatten(child, prefix is null ? name : $"{prefix}:{name}")) yield return pair;
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var pair in Flatten(array[i], $"{prefix}:{i}")) yield return pair;
                }

                break;
            case JsonValue value when prefix is not null:
                yield return new(prefix, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString());
                break;
        }
    }
}
