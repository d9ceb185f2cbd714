using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LeadFunctions.Benchmarks;

/// <summary>The repository, found upwards from the benchmark binaries.</summary>
internal static class Repo
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, // NaN where a ratio has no baseline
    };

    public static string Root { get; } = Find();

    /// <summary>Writes a benchmark's results as indented JSON to <paramref name="path"/> (its folder is created).</summary>
    public static async Task WriteResultsAsync(string path, object results)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(results, Indented));
    }

    public static string SampleLead => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "documented-sample-lead.json"));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Peak and current resident memory of a process, in MiB, from /proc/&lt;pid&gt;/status.</summary>
    public static (double PeakMiB, double CurrentMiB) Memory(int pid)
    {
        double Read(string[] lines, string key) =>
            lines.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) is { } line
                ? double.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024
                : double.NaN;
        var status = File.ReadAllLines($"/proc/{pid}/status");
        return (Read(status, "VmHWM:"), Read(status, "VmRSS:"));
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeadFunctions.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("LeadFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// Azurite from the repository's node_modules, on free loopback ports, storage in memory — or on disk in a temporary
/// folder (<c>onDisk</c>), for runs over a minute: in memory every queue message is an extent of its own, and the
/// queue's garbage collector (every 60 s) then blocks Azurite for tens of seconds deleting thousands of them one by one
/// (25 s for 2,600 seen in its debug log); on disk messages share extent files and the sweep is short.
/// </summary>
internal sealed class AzuriteProcess : IDisposable
{
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly string? _folder;

    private AzuriteProcess(Process process, string connectionString, string? folder)
    {
        _process = process;
        _folder = folder;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public int Pid => _process.Id;

    public static async Task<AzuriteProcess> StartAsync(bool onDisk = false)
    {
        var folder = onDisk ? Directory.CreateTempSubdirectory("leadfunctions-bench-azurite-").FullName : null;
        var (blob, queue, table) = (Repo.FreePort(), Repo.FreePort(), Repo.FreePort());
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        string[] storage = folder is null ? ["--inMemoryPersistence"] : ["--location", folder];
        foreach (var argument in new[]
                 {
                     Path.Combine(Repo.Root, "node_modules", "azurite", "dist", "src", "azurite.js"), "--silent", "--skipApiVersionCheck",
                     "--disableTelemetry", "--loose",
                     "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
                     "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
                 }.Concat(storage))
        {
            start.ArgumentList.Add(argument);
        }

        // LEADFUNCTIONS_BENCH_AZURITE_DEBUG=<file>: Azurite's debug log (every request, with times).
        if (Environment.GetEnvironmentVariable("LEADFUNCTIONS_BENCH_AZURITE_DEBUG") is { Length: > 0 } debug)
        {
            start.ArgumentList.Remove("--silent");
            start.ArgumentList.Add("--debug");
            start.ArgumentList.Add(debug);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Azurite (node).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Repo.WaitForPortAsync(queue, TimeSpan.FromSeconds(30));
        await Repo.WaitForPortAsync(table, TimeSpan.FromSeconds(30));
        var connection = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
                         $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";
        return new AzuriteProcess(process, connection, folder);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
        _process.Dispose();
        if (_folder is not null) Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>How to start the app: a LeadFunctions.dll (through dotnet, as the Functions host does) or a published executable.</summary>
internal sealed record AppLaunch(string Name, string Path, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The folder the app is in (a publish output, for the worker start through the stand-in host).</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary><c>name=path</c>, optionally followed by <c>@VAR=value,VAR=value</c>.</summary>
    public static AppLaunch Parse(string spec)
    {
        var (nameAndPath, env) = spec.Split('@', 2) is [var a, var b] ? (a, b) : (spec, "");
        var (name, path) = nameAndPath.Split('=', 2) is [var n, var p] ? (n, p) : ("app", nameAndPath);
        var environment = env.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
        return new AppLaunch(name, System.IO.Path.GetFullPath(path, Repo.Root), environment);
    }

    public static AppLaunch Default => new("jit", System.IO.Path.Combine(Repo.Root, "LeadFunctions", "bin", "Release", "net10.0", "LeadFunctions.dll"), new Dictionary<string, string>());

    public Process Start(int port, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var dll = Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(dll ? "dotnet" : Path)
        {
            WorkingDirectory = System.IO.Path.GetDirectoryName(Path)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (dll) start.ArgumentList.Add(Path);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        // LEADFUNCTIONS_BENCH_APPLOG=<file>: keep what the app printed, for finding where the time went. Each line is
        // appended on its own (output can still arrive after the process has exited, so no writer is kept open).
        var log = System.Environment.GetEnvironmentVariable("LEADFUNCTIONS_BENCH_APPLOG") is { Length: > 0 } file ? file : null;
        var writing = new Lock();
        void Keep(string? line)
        {
            if (log is null || line is null) return;
            lock (writing) File.AppendAllText(log, $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}\n");
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static Dictionary<string, string> Settings(string connectionString, string queue, bool processQueue) => new()
    {
        ["AzureWebJobsStorage"] = connectionString,
        ["LeadQueueName"] = queue,
        ["Intake:Keys"] = Program.Key,
        ["Standalone:ProcessQueue"] = processQueue ? "true" : "false",
        // The console exporter would print every span; production exports in batches to Application Insights.
        ["Telemetry:Exporter"] = "None",
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
