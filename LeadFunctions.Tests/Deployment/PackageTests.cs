using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using LeadFunctions.Hosting;
using LeadFunctions.Hosting.CustomHandler;
using LeadFunctions.Intake;
using LeadFunctions.Tests.Infrastructure;

namespace LeadFunctions.Tests.Deployment;

/// <summary>
/// The function-app package that <c>eng/package.sh</c> builds (and azd deploys) has the shape the Functions host needs,
/// and its bindings agree with the code: a wrong route, binding name or queue setting would only show up in Azure.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(FunctionAppPackageCollection.Name)]
public sealed class PackageTests(FunctionAppPackage package)
{
    [Fact]
    public void Package_has_the_repository_host_json_at_its_root()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")), File.ReadAllText(package.File("host.json")));
    }

    [Fact]
    public void Handler_that_host_json_names_exists_and_is_an_executable_linux_program()
    {
        var executable = package.File(package.ExecutablePath);

        Assert.True(File.Exists(executable), $"host.json names {package.ExecutablePath}, which is not in the package");
        Assert.True(File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), $"{package.ExecutablePath} is not executable");
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(executable)[..4]);
    }

    [Fact]
    public void Handler_is_Native_AOT_when_clang_is_installed_and_composite_ReadyToRun_with_a_warning_otherwise()
    {
        var handler = Path.GetDirectoryName(package.File(package.ExecutablePath))!;

        Assert.False(File.Exists(Path.Combine(handler, "LeadFunctions.dbg")), "the debug symbols (70 MB) are not for the deployment");
        if (FunctionAppPackage.ClangInstalled)
        {
            Assert.Contains("Native AOT", package.Output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(handler, "LeadFunctions.dll")), "clang is installed, yet the handler is not Native AOT");
            Assert.False(File.Exists(Path.Combine(handler, "libcoreclr.so")), "a Native AOT handler needs no .NET runtime beside it");
            return;
        }

        Assert.Contains("clang not found", package.Output, StringComparison.Ordinal);
        var runtimeConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(handler, "LeadFunctions.runtimeconfig.json")))!;
        Assert.NotNull(runtimeConfig["runtimeOptions"]?["includedFrameworks"]);
        Assert.True(File.Exists(Path.Combine(handler, "libcoreclr.so")), "the .NET runtime for linux-x64 is not in the package");
        using var assembly = new PEReader(File.OpenRead(Path.Combine(handler, "LeadFunctions.dll")));
        Assert.True(assembly.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "LeadFunctions.dll is not ReadyToRun");
    }

    [Fact]
    public void Every_function_in_the_source_has_its_folder_and_function_json_and_there_are_no_others()
    {
        var source = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "LeadFunctions", "Functions"))
            .Select(dir => Path.GetFileName(dir)).Order().ToArray();
        var packaged = Directory.GetDirectories(package.Root)
            .Where(dir => File.Exists(Path.Combine(dir, "function.json")))
            .Select(dir => Path.GetFileName(dir)).Order().ToArray();

        Assert.Equal(["Health", "ProcessLead", "ReceiveLead"], source);
        Assert.Equal(source, packaged);
    }

    [Fact]
    public void ReceiveLead_is_one_http_trigger_and_one_http_output_on_the_route_the_app_maps()
    {
        var bindings = package.Bindings("ReceiveLead");

        Assert.Equal(2, bindings.Count);
        var trigger = Assert.Single(bindings, b => (string?)b["type"] == "httpTrigger");
        Assert.Equal("in", (string?)trigger["direction"]);
        Assert.Equal("function", (string?)trigger["authLevel"]);
        Assert.Equal(["POST"], trigger["methods"]!.AsArray().Select(m => ((string?)m)?.ToUpperInvariant()));
        var output = Assert.Single(bindings, b => (string?)b["type"] == "http");
        Assert.Equal("out", (string?)output["direction"]);

        var routePrefix = (string?)package.HostJson["extensions"]?["http"]?["routePrefix"];
        Assert.Equal("api", routePrefix);
        Assert.Equal(ReceiveLeadApi.Route, $"/{routePrefix}/{(string?)trigger["route"]}");
    }

    [Fact]
    public void Health_is_an_anonymous_GET_on_the_route_the_app_maps()
    {
        var bindings = package.Bindings("Health");

        var trigger = Assert.Single(bindings, b => (string?)b["type"] == "httpTrigger");
        Assert.Equal("anonymous", (string?)trigger["authLevel"]);
        Assert.Equal(["GET"], trigger["methods"]!.AsArray().Select(m => ((string?)m)?.ToUpperInvariant()));
        Assert.Equal(HealthApi.Route, $"/api/{(string?)trigger["route"]}");
        Assert.Single(bindings, b => (string?)b["type"] == "http");
    }

    [Fact]
    public void ProcessLead_is_a_queue_trigger_on_the_lead_queue_setting_with_the_binding_name_the_handler_reads()
    {
        var trigger = Assert.Single(package.Bindings("ProcessLead"));

        Assert.Equal("queueTrigger", (string?)trigger["type"]);
        Assert.Equal("in", (string?)trigger["direction"]);
        Assert.Equal(InvocationRequest.MessageBinding, (string?)trigger["name"]);
        Assert.Equal("%LeadQueueName%", (string?)trigger["queueName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"] ?? "AzureWebJobsStorage");
    }

    [Fact]
    public void Host_json_proxies_http_to_the_handler_and_configures_the_queue_trigger()
    {
        var host = package.HostJson;

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.True((bool?)host["customHandler"]?["enableProxyingHttpRequest"]);
        Assert.NotNull(host["extensions"]?["queues"]);
        Assert.NotNull(host["extensionBundle"]?["id"]);
    }

    [Fact]
    public void Zip_holds_the_same_layout_at_its_root_and_keeps_the_handler_executable()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var entries = zip.Entries.ToDictionary(e => e.FullName);

        Assert.Contains("host.json", entries.Keys);
        Assert.Contains("ReceiveLead/function.json", entries.Keys);
        Assert.Contains("ProcessLead/function.json", entries.Keys);
        var handler = entries[package.ExecutablePath];
        var mode = (UnixFileMode)((handler.ExternalAttributes >> 16) & 0x1FF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{package.ExecutablePath} lost its executable bit in the zip");
    }
}

/// <summary>The tests that share one <see cref="FunctionAppPackage"/>: the package is built once for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class FunctionAppPackageCollection : ICollectionFixture<FunctionAppPackage>
{
    public const string Name = "Function app package";
}

/// <summary>Runs <c>eng/package.sh</c> once for <see cref="PackageTests"/> and <see cref="PackagedHandlerTests"/> (a publish takes a minute or two), into a temporary folder.</summary>
public sealed class FunctionAppPackage : IAsyncLifetime
{
    private readonly string _temp = Directory.CreateTempSubdirectory("leadfunctions-package-test-").FullName;

    public string Root => Path.Combine(_temp, "functionapp");

    public string Zip => Root + ".zip";

    public JsonNode HostJson { get; private set; } = new JsonObject();

    /// <summary><c>customHandler.description.defaultExecutablePath</c>, relative to the app root, with forward slashes.</summary>
    public string ExecutablePath { get; private set; } = "";

    /// <summary>What <c>eng/package.sh</c> printed.</summary>
    public string Output { get; private set; } = "";

    /// <summary>Whether a clang (<c>clang</c> or <c>clang-&lt;version&gt;</c>) is on the PATH, as <c>eng/package.sh</c> looks for it to link Native AOT.</summary>
    public static bool ClangInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "clang*"))
            .Select(Path.GetFileName)
            .Any(name => name == "clang" || System.Text.RegularExpressions.Regex.IsMatch(name!, "^clang-[0-9]+$"));

    public string File(string relativePath) => Path.Combine(Root, relativePath);

    public IReadOnlyList<JsonNode> Bindings(string function) =>
        JsonNode.Parse(System.IO.File.ReadAllText(File(Path.Combine(function, "function.json"))))!["bindings"]!.AsArray()
            .Select(b => b!).ToArray();

    public async Task InitializeAsync()
    {
        var run = await Script.RunAsync("eng/package.sh", TimeSpan.FromMinutes(10), Root);
        Assert.True(run.ExitCode == 0, $"eng/package.sh failed with exit code {run.ExitCode}:\n{run.Output}");
        Output = run.Output;

        HostJson = JsonNode.Parse(System.IO.File.ReadAllText(File("host.json")))!;
        ExecutablePath = (string?)HostJson["customHandler"]?["description"]?["defaultExecutablePath"]
            ?? throw new InvalidOperationException("host.json has no customHandler.description.defaultExecutablePath.");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_temp, recursive: true);
        return Task.CompletedTask;
    }
}
