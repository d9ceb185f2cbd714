using System.Text.Json;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>
/// The "description" of worker.config.json, which the Functions SDK writes into the
/// publish output and the host reads to know how to start the worker.
/// </summary>
internal sealed record WorkerConfigFile(
    string Language,
    string DefaultExecutablePath,
    string DefaultWorkerPath,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> WorkerArguments,
    bool WorkerIndexing)
{
    public const string FileName = "worker.config.json";
    private const string WorkerRootToken = "{WorkerRoot}";

    public static WorkerConfigFile Read(string workerDirectory)
    {
        string path = Path.Combine(workerDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new StandInHostException(
                $"'{path}' does not exist. Pass the folder produced by 'dotnet publish' of an isolated worker app.");
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("description", out JsonElement description))
        {
            throw new StandInHostException($"'{path}' has no \"description\" object.");
        }

        return new WorkerConfigFile(
            GetString(description, "language") ?? string.Empty,
            GetString(description, "defaultExecutablePath")
                ?? throw new StandInHostException($"'{path}' has no \"defaultExecutablePath\"."),
            GetString(description, "defaultWorkerPath") ?? string.Empty,
            GetStrings(description, "arguments"),
            GetStrings(description, "workerArguments"),
            string.Equals(GetString(description, "workerIndexing"), "true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The program to start: "dotnet" or an apphost under {WorkerRoot}.</summary>
    public string ResolveExecutable(string workerDirectory, string? dotnetOverride)
    {
        if (DefaultExecutablePath.Contains(WorkerRootToken, StringComparison.Ordinal))
        {
            return Path.Combine(workerDirectory, DefaultExecutablePath.Replace(WorkerRootToken, string.Empty, StringComparison.Ordinal));
        }

        if (DefaultExecutablePath == "dotnet")
        {
            return dotnetOverride ?? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        }

        return DefaultExecutablePath;
    }

    /// <summary>The worker assembly, made absolute against the worker directory like the host does.</summary>
    public string? ResolveWorkerPath(string workerDirectory) =>
        string.IsNullOrEmpty(DefaultWorkerPath) ? null : Path.Combine(workerDirectory, DefaultWorkerPath);

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ToString() : null;

    private static string[] GetStrings(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(e => e.ToString())]
            : [];
}
