using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace LeadFunctions.Hosting;

/// <summary>
/// Reads settings where the Functions host reads them, so that both hosting modes see the same values:
/// <c>host.json</c> under <c>AzureFunctionsJobHost</c> (app settings such as
/// <c>AzureFunctionsJobHost__extensions__queues__batchSize</c> override it, as they do for the host), and in standalone
/// mode <c>local.settings.json</c>'s <c>Values</c>, below real environment variables, as Core Tools does.
/// <c>host.json</c> is part of the app (found in the content root, else beside the app); <c>local.settings.json</c> is
/// the settings of the place the app runs in, read from the content root only (the working directory unless
/// <c>--contentRoot</c> says otherwise: the repository root for <c>./eng/run.sh</c>), never from a copy a build left
/// beside the app. The tests run the app with a content root of their own, so a developer's file never reaches them.
/// </summary>
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
        var values = JsonNode.Parse(File.ReadAllText(localSettings), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })?["Values"];
        var settings = Flatten(values, null).ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value);
        var environment = sources.Select((s, i) => (s, i)).FirstOrDefault(x => x.s is EnvironmentVariablesConfigurationSource);
        sources.Insert(environment.s is null ? sources.Count : environment.i, Memory(settings));
    }

    /// <summary>host.json's <c>extensions.http.routePrefix</c>: the Functions host puts every HTTP route under it, and so does standalone mode.</summary>
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
