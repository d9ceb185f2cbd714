using System.Diagnostics;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace LeadFunctions.Tests.Infrastructure;

/// <summary>
/// A real Azurite (the npm package pinned in package.json), started once for the whole test run on free loopback
/// ports with in-memory storage, so tests never touch a developer's own emulator. Installs it with npm when missing.
/// Use it as a class fixture; every test class shares the one process, and tests isolate themselves by queue and
/// table names (<see cref="TestNames"/>).
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private static readonly Lazy<Task<Azurite>> Shared = new(StartSharedAsync);

    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;

    public int QueuePort { get; private set; }

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var shared = await Shared.Value;
        QueuePort = shared.QueuePort;
        ConnectionString = shared.ConnectionString;
    }

    private static async Task<Azurite> StartSharedAsync()
    {
        var instance = new Azurite();
        await instance.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.Stop();
        return instance;
    }

    private async Task StartAsync()
    {
        var azurite = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(azurite)) await RunAsync("npm", "ci --no-audit --no-fund", RepoPaths.Root, TimeSpan.FromMinutes(5));

        int blob = FreePort.Next(), queue = FreePort.Next(), table = FreePort.Next();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                azurite, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
                "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
                "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        QueuePort = queue;
        ConnectionString = ConnectionStringFor(blob, queue, table);
        await WaitForPortAsync(queue);
        await WaitForPortAsync(table);
    }

    public static string ConnectionStringFor(int blob, int queue, int table) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";

    public QueueClient Queue(string name, bool base64 = true) => new(ConnectionString, name, new QueueClientOptions
    {
        MessageEncoding = base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
    });

    public TableClient Table(string name) => new(ConnectionString, name);

    public Task DisposeAsync() => Task.CompletedTask;

    private void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
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
