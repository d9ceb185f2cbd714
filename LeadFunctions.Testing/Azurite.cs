using System.Diagnostics;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace LeadFunctions.Testing;

/// <summary>
/// A real Azurite (the npm package pinned in package.json) on free loopback ports, installed with npm when missing.
/// As a class fixture it is one process shared by the whole test run, with in-memory storage, and tests isolate
/// themselves by queue and table names (<see cref="TestNames"/>). <see cref="StartOwnAsync"/> gives a test a private
/// one that it may stop and restart (with disk persistence, so messages survive the restart).
/// <see cref="StartOAuthAsync"/> gives one shaped like an Azure account with shared keys off: bearer tokens only,
/// over HTTPS.
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
    private string _account = Account;
    private (string Certificate, string Key)? _https;

    public int QueuePort { get; private set; }

    public int TablePort => _tablePort;

    /// <summary>An OAuth instance's debug log (<c>--debug</c>): one line per request, with its headers.</summary>
    public string? DebugLog { get; private set; }

    /// <summary>The storage account: <c>devstoreaccount1</c>, or the one an OAuth instance was started for.</summary>
    public string AccountName => _account;

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

    /// <summary>
    /// A private Azurite in OAuth mode (<c>--oauth basic</c>, which needs HTTPS: <paramref name="certificatePem"/> and
    /// <paramref name="keyPem"/>) with one account, <paramref name="account"/>, whose key is random and thrown away at
    /// start: like an Azure account with shared-key access disabled, it serves requests with a bearer token (issuer,
    /// audience and lifetime checked; no signature) and no shared key works. <see cref="ConnectionString"/> is then the
    /// development key's connection string for these endpoints, which Azurite refuses.
    /// </summary>
    public static async Task<Azurite> StartOAuthAsync(string certificatePem, string keyPem, string account)
    {
        var instance = new Azurite { _owned = true, _account = account, _https = (certificatePem, keyPem) };
        await instance.StartAsync();
        return instance;
    }

    /// <summary>The service endpoint as an app setting names it (<c>AzureWebJobsStorage__queueServiceUri</c>): path-style, with the account.</summary>
    public Uri ServiceUri(string service)
    {
        var port = service switch
        {
            "blob" => _blobPort,
            "queue" => QueuePort,
            "table" => _tablePort,
            _ => throw new ArgumentOutOfRangeException(nameof(service), service, "blob, queue or table"),
        };
        return new Uri($"{(_https is null ? "http" : "https")}://127.0.0.1:{port}/{_account}");
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
            if (DebugLog is not null) File.Delete(DebugLog);
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

        if (_https is { } https)
        {
            foreach (var argument in new[] { "--oauth", "basic", "--cert", https.Certificate, "--key", https.Key }) start.ArgumentList.Add(argument);

            // Azurite's debug log has every request with its headers: how a test sees that each one carried a bearer token.
            DebugLog ??= Path.Combine(Path.GetTempPath(), $"azurite-debug-{Guid.NewGuid():N}.log");
            start.ArgumentList.Add("--debug");
            start.ArgumentList.Add(DebugLog);

            // The only account; its key is known to nobody, so no request signed with a shared key can succeed.
            start.Environment["AZURITE_ACCOUNTS"] = $"{_account}:{Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64))}";
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

        ConnectionString = _https is null
            ? ConnectionStringFor(_blobPort, QueuePort, _tablePort)
            : $"DefaultEndpointsProtocol=https;AccountName={_account};AccountKey={Key};" +
              $"BlobEndpoint={ServiceUri("blob")};QueueEndpoint={ServiceUri("queue")};TableEndpoint={ServiceUri("table")};";
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
