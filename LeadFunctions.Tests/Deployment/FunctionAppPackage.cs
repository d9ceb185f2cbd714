using System.Text.Json.Nodes;

namespace LeadFunctions.Tests.Deployment;

/// <summary>The tests that share one <see cref="FunctionAppPackage"/>: the package is built once for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class FunctionAppPackageCollection : ICollectionFixture<FunctionAppPackage>
{
    public const string Name = "Function app package";
}

/// <summary>
/// Runs <c>eng/package.sh</c> once (the <c>dotnet publish</c> that Azure runs, about a minute), into a temporary
/// folder, for the tests that check the package, run it standalone, and run it as the Functions host would.
/// </summary>
public sealed class FunctionAppPackage : IAsyncLifetime
{
    private readonly string _temp = Directory.CreateTempSubdirectory("leadfunctions-package-test-").FullName;

    public string Root => Path.Combine(_temp, "functionapp");

    public string Zip => Root + ".zip";

    public JsonNode HostJson { get; private set; } = new JsonObject();

    /// <summary>The SDK-generated <c>functions.metadata</c>: what the host learns about each function.</summary>
    public IReadOnlyList<JsonNode> Functions { get; private set; } = [];

    public string File(string relativePath) => Path.Combine(Root, relativePath);

    public JsonNode Function(string name) => Assert.Single(Functions, f => (string?)f["name"] == name);

    public IReadOnlyList<JsonNode> Bindings(string function) => Function(function)["bindings"]!.AsArray().Select(b => b!).ToArray();

    public async Task InitializeAsync()
    {
        var run = await Script.RunAsync("eng/package.sh", TimeSpan.FromMinutes(10), Root);
        Assert.True(run.ExitCode == 0, $"eng/package.sh failed with exit code {run.ExitCode}:\n{run.Output}");
        HostJson = JsonNode.Parse(System.IO.File.ReadAllText(File("host.json")))!;
        Functions = JsonNode.Parse(System.IO.File.ReadAllText(File("functions.metadata")))!.AsArray().Select(f => f!).ToArray();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_temp, recursive: true);
        return Task.CompletedTask;
    }
}
