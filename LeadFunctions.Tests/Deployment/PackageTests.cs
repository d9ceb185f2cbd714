using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using LeadFunctions.Functions;
using LeadFunctions.Hosting;
using LeadFunctions.Intake;

namespace LeadFunctions.Tests.Deployment;

/// <summary>
/// The package that <c>eng/package.sh</c> builds (the same <c>dotnet publish</c> azd runs) has what the Functions host
/// needs, and the bindings the SDK generated agree with the code, standalone mode and infra/: a wrong route, queue
/// setting or connection would otherwise only show up in Azure.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(FunctionAppPackageCollection.Name)]
public sealed class PackageTests(FunctionAppPackage package)
{
    [Fact]
    public void Package_holds_the_worker_the_host_json_and_the_generated_function_metadata()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")), File.ReadAllText(package.File("host.json")));
        Assert.True(File.Exists(package.File("LeadFunctions.dll")));
        Assert.True(File.Exists(package.File("extensions.json")), "no extensions.json: the host would not load the queue extension");

        var worker = JsonNode.Parse(File.ReadAllText(package.File("worker.config.json")))!["description"]!;
        Assert.Equal("dotnet-isolated", (string?)worker["language"]);
        Assert.Equal("LeadFunctions.dll", (string?)worker["defaultWorkerPath"]);

        var extensions = JsonNode.Parse(File.ReadAllText(package.File("extensions.json")))!["extensions"]!.AsArray();
        Assert.Contains(extensions, e => ((string?)e!["typeName"])?.Contains("Queues", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void App_is_ReadyToRun_for_linux_x64_and_framework_dependent()
    {
        using var assembly = new PEReader(File.OpenRead(package.File("LeadFunctions.dll")));
        Assert.True(assembly.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "LeadFunctions.dll is not ReadyToRun");
        Assert.Equal(Machine.Amd64, (Machine)((ushort)assembly.PEHeaders.CoffHeader.Machine ^ 0x7B79)); // ReadyToRun's Linux machine code

        var runtime = JsonNode.Parse(File.ReadAllText(package.File("LeadFunctions.runtimeconfig.json")))!["runtimeOptions"]!;
        Assert.Null(runtime["includedFrameworks"]);
        Assert.Contains(runtime["frameworks"]!.AsArray(), f => (string?)f!["name"] == "Microsoft.AspNetCore.App");
    }

    [Fact]
    public void Metadata_names_exactly_the_functions_of_the_source()
    {
        var source = typeof(ReceiveLead).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ReceiveLead).Namespace && t.GetMethods().Any(m => m.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false).Length > 0))
            .Select(t => t.Name).Order().ToArray();
        Assert.Equal(["Health", "HealthDetails", "ProcessLead", "ReceiveLead", "RecordGauges"], source);
        Assert.Equal(source, package.Functions.Select(f => (string?)f["name"]).Order());
        Assert.All(package.Functions, f => Assert.Equal("LeadFunctions.dll", (string?)f["scriptFile"]));
    }

    [Fact]
    public void ReceiveLead_is_a_function_key_POST_on_the_route_standalone_mode_maps()
    {
        var trigger = Assert.Single(package.Bindings("ReceiveLead"), b => (string?)b["type"] == "httpTrigger");

        Assert.Equal("function", ((string?)trigger["authLevel"])?.ToLowerInvariant());
        Assert.Equal(["POST"], trigger["methods"]!.AsArray().Select(m => ((string?)m)?.ToUpperInvariant()));
        Assert.Equal(LeadIntake.Route, (string?)trigger["route"]);
        Assert.Single(package.Bindings("ReceiveLead"), b => (string?)b["type"] == "http" && ((string?)b["direction"])?.ToLowerInvariant() == "out");
        Assert.Equal("api", (string?)package.HostJson["extensions"]?["http"]?["routePrefix"]);
        Assert.Contains($"var receiveLeadRoute = '{LeadIntake.Route}'", File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep")), StringComparison.Ordinal);
    }

    [Fact]
    public void Health_is_an_anonymous_GET_on_the_route_standalone_mode_maps()
    {
        var trigger = Assert.Single(package.Bindings("Health"), b => (string?)b["type"] == "httpTrigger");

        Assert.Equal("anonymous", ((string?)trigger["authLevel"])?.ToLowerInvariant());
        Assert.Equal(["GET"], trigger["methods"]!.AsArray().Select(m => ((string?)m)?.ToUpperInvariant()));
        Assert.Equal(LeadHealth.Route, (string?)trigger["route"]);
    }

    [Fact]
    public void HealthDetails_is_a_function_key_GET_on_the_route_standalone_mode_maps()
    {
        var trigger = Assert.Single(package.Bindings("HealthDetails"), b => (string?)b["type"] == "httpTrigger");

        Assert.Equal("function", ((string?)trigger["authLevel"])?.ToLowerInvariant());
        Assert.Equal(["GET"], trigger["methods"]!.AsArray().Select(m => ((string?)m)?.ToUpperInvariant()));
        Assert.Equal(LeadHealth.DetailsRoute, (string?)trigger["route"]);
    }

    [Fact]
    public void ProcessLead_is_a_queue_trigger_on_the_setting_and_connection_that_the_app_and_infra_use()
    {
        var trigger = Assert.Single(package.Bindings("ProcessLead"));

        Assert.Equal("queueTrigger", (string?)trigger["type"]);
        Assert.Equal($"%{ProcessLead.QueueSetting}%", (string?)trigger["queueName"]);
        Assert.Equal(ProcessLead.Connection, (string?)trigger["connection"]);
        Assert.Equal("String", (string?)trigger["dataType"]);

        // The app reads the same two settings (Storage/StorageExtensions.cs), and infra/ sets them for the host.
        Assert.Equal("LeadQueueName", ProcessLead.QueueSetting);
        var main = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep"));
        var api = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "app", "api.bicep"));
        Assert.Contains($"{ProcessLead.QueueSetting}: leadQueueName", main, StringComparison.Ordinal);
        Assert.Contains($"{ProcessLead.Connection}__queueServiceUri:", api, StringComparison.Ordinal);
        Assert.Contains($"{ProcessLead.Connection}__credential: 'managedidentity'", api, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordGauges_is_a_timer_trigger_every_minute_with_the_worker_side_of_the_timer_extension()
    {
        var trigger = Assert.Single(package.Bindings("RecordGauges"));

        Assert.Equal("timerTrigger", (string?)trigger["type"]);
        Assert.Equal(RecordGauges.Schedule, (string?)trigger["schedule"]);
        Assert.NotEqual(true, (bool?)trigger["runOnStartup"]);

        // The host has the timer trigger built in (no entry in extensions.json); the worker binds TimerInfo with this.
        Assert.True(File.Exists(package.File("Microsoft.Azure.Functions.Worker.Extensions.Timer.dll")));
    }

    [Fact]
    public void Host_json_configures_the_queue_trigger_with_no_custom_handler_and_no_extension_bundle()
    {
        var host = package.HostJson;

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Null(host["customHandler"]);
        Assert.Null(host["extensionBundle"]); // .NET isolated brings its extensions in the package (extensions.json)
        Assert.NotNull(host["extensions"]?["queues"]?["maxDequeueCount"]);
        Assert.Equal("base64", (string?)host["extensions"]?["queues"]?["messageEncoding"]);
    }

    [Fact]
    public void Infra_and_azd_deploy_the_dotnet_isolated_worker()
    {
        var api = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "app", "api.bicep"));
        var azd = File.ReadAllText(Path.Combine(RepoPaths.Root, "azure.yaml"));

        Assert.Contains("name: 'dotnet-isolated'", api, StringComparison.Ordinal);
        Assert.Contains("version: '10.0'", api, StringComparison.Ordinal);
        // Flex Consumption only (docs/deploy.md, "Hosting plan"): it rejects the classic runtime setting, and a package
        // run from WEBSITE_RUN_FROM_PACKAGE=1 without a content share is what the removed Elastic Premium option did wrong.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", api, StringComparison.Ordinal);
        Assert.DoesNotContain("WEBSITE_RUN_FROM_PACKAGE", api, StringComparison.Ordinal);
        Assert.Contains("project: ./LeadFunctions", azd, StringComparison.Ordinal);
        Assert.Contains("language: dotnet", azd, StringComparison.Ordinal);
        Assert.Contains("host: function", azd, StringComparison.Ordinal);
        Assert.DoesNotContain("prepackage", azd, StringComparison.Ordinal);
    }

    [Fact]
    public void Repository_has_no_function_json_and_no_custom_handler()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or ".git" or "artifacts"));

        Assert.DoesNotContain(files, f => Path.GetFileName(f) == "function.json");
        Assert.DoesNotContain("customHandler", File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_holds_the_same_files_at_its_root()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var entries = zip.Entries.Select(e => e.FullName).Where(name => !name.EndsWith('/')).ToHashSet(); // files, not folder entries

        var files = Directory.EnumerateFiles(package.Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(package.Root, f).Replace(Path.DirectorySeparatorChar, '/'));
        Assert.Equal(files.Order(), entries.Order());
        Assert.Contains("functions.metadata", entries);
    }
}
