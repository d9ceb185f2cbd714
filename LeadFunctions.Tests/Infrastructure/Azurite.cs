using System.Diagnostics;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace LeadFunctions.Tests.Infrastructure;

/// <summary>
/// A real Azurite (the npm package pinned in package.json) on free loopback ports, installed with npm when missing.
/// As a class fixture it is one process shared by the whole test run, with in-memory storage, and tests isolate
/// themselves by queue and table names (<see cref="TestNames"/>). <see cref="StartOwnAsync"/> gives a test a private
/// one that it may stop and restart (with disk persistence, so messages survive the restart).
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly Lazy<Task<Azurite>> Shared = new(StartSharedAsync);

    private Process? _process;
    private string? _location;
    private int _blobPort;
    private int _tablePort;
    private bool _owned;

    public int QueuePort { get; private set; }

    public string ConnectionString { get; private set; } = "";

    public static string ConnectionStringFor(int blob, int queue, int table) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";

    public async Task InitializeAsync()
    {
        var shared = await Shared.Value;
        QueuePort = shared.QueuePort;
        ConnectionString = shared.ConnectionString;
    }

    /// <summary>A private Azurite that keeps its data on disk, for tests that stop and restart storage.</summary>
    public static async Task<Azurite> StartOwnAsync()
    {
        var instance = new Azurite { _owned = true, _location = Directory.CreateTempSubdirectory("azurite-").FullName };
        await instance.StartAsync();
        return instance;
    }

    public QueueClient Queue(string name, bool base64 = true) => new(ConnectionString, name, new QueueClientOptions
    {
        MessageEncoding = base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
    });

    public TableClient Table(string name) => new(ConnectionString, name);

    /// <summary>
    /// Stops the process: gracefully (SIGTERM, Azurite saves its data) or by killing it. Azurite writes its
    /// metadata to disk periodically, so a kill loses recent writes: unlike Azure Storage, it is not crash-durable.
    /// </summary>
    public void Stop(bool graceful = false)
    {
        if (_process is { HasExited: false })
        {
            if (graceful)
            {
                using var term = Process.Start("kill", ["-s", "TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                term.WaitForExit();
                if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
            }
            else
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the process again on the same ports, with the data it had on disk.</summary>
    public Task RestartAsync() => _owned ? StartAsync() : throw new InvalidOperationException("The shared Azurite cannot be restarted.");

    public Task DisposeAsync()
    {
        if (_owned)
        {
            Stop();
            if (_location is not null) Directory.Delete(_location, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static async Task<Azurite> StartSharedAsync()
    {
        var instance = new Azurite();
        await instance.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.Stop();
        return instance;
    }

    /// <summary>
    /// Starts Azurite on its ports, or on fresh free ports the first time; when another process took one of those
    /// before Azurite could bind it (Azurite then exits), on fresh ones again, up to three times.
    /// </summary>
    private async Task StartAsync()
    {
        var azurite = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(azurite)) await RunAsync("npm", "ci --no-audit --no-fund", RepoPaths.Root, TimeSpan.FromMinutes(5));

        var choosePorts = QueuePort == 0;
        for (var attempt = 1; ; attempt++)
        {
            if (choosePorts) (_blobPort, QueuePort, _tablePort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
            StartProcess(azurite);
            try
            {
                await WaitForPortAsync(QueuePort);
                await WaitForPortAsync(_tablePort);
                return;
            }
            catch (SocketException) when (choosePorts && attempt < 3 && _process is { HasExited: true })
            {
                Stop();
            }
        }
    }

    private void StartProcess(string azurite)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[]
                 {
                     azurite, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
                     "--blobHost", "127.0.0.1", "--blobPort", $"{_blobPort}",
                     "--queueHost", "127.0.0.1", "--queuePort", $"{QueuePort}",
                     "--tableHost", "127.0.0.1", "--tablePort", $"{_tablePort}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        if (_location is null) start.ArgumentList.Add("--inMemoryPersistence");
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(_location);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        ConnectionString = ConnectionStringFor(_blobPort, QueuePort, _tablePort);
    }

    private async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && _process is { HasExited: false })
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task RunAsync(string file, string arguments, string directory, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory })
            ?? throw new InvalidOperationException($"Could not start {file}.");
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed with exit code {process.ExitCode}.");
    }
}

/// <summary>Unique queue and table names, so tests sharing one Azurite never see each other's messages.</summary>
public static class TestNames
{
    public static string Queue() => "q" + Guid.NewGuid().ToString("N")[..20];

    public static string Table() => "t" + Guid.NewGuid().ToString("N")[..20];
}
