using System.Diagnostics;
using System.Globalization;

namespace LeadFunctions.Tests.Reliability;

/// <summary>
/// The app as a real child process (<c>dotnet LeadFunctions.dll --Key=Value ...</c>) in standalone mode, as it runs in
/// a container, so that a test can kill it with SIGKILL and start it again. Its log lines are kept for the figures.
/// </summary>
public sealed partial class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private AppProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The built app next to this test build (same configuration): LeadFunctions/bin/&lt;config&gt;/net10.0.</summary>
    public static string AppDirectory
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(RepoPaths.Root, "LeadFunctions", "bin", configuration, "net10.0");
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    /// <summary>The port the app listens on.</summary>
    public int Port { get; private set; }

    /// <summary>
    /// Starts the app and waits (at most 60 s: a generous bound for a busy machine) until it answers: the build beside the tests, or the one in
    /// <paramref name="appDirectory"/> (e.g. the published package) when given. With <paramref name="port"/> 0 (the
    /// default) the app binds a port of the system's choosing and <see cref="Port"/> says which, read back from its
    /// "Now listening on" line: no other process can take the port between choosing and binding it. A restart passes
    /// the port it had, as a restarted server keeps its address.
    /// </summary>
    public static async Task<AppProcess> StartAsync(IDictionary<string, string> settings, string? appDirectory = null, int port = 0, IReadOnlyDictionary<string, string>? environment = null)
    {
        appDirectory ??= AppDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestContentRoot.Path, // the content root: no local.settings.json there, whatever the build copied beside the app
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(appDirectory, "LeadFunctions.dll"));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var app = new AppProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the app."));
        app._process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !app.HasExited)
        {
            if (app.Port == 0 && app.Lines.Select(l => ListeningOn().Match(l)).FirstOrDefault(m => m.Success) is { } listening)
            {
                app.Port = int.Parse(listening.Groups["port"].Value, CultureInfo.InvariantCulture);
            }

            if (app.Port != 0 && await AnswersAsync(app.Port)) return app;
            await Task.Delay(50);
        }

        var lines = string.Join("\n", app.Lines.TakeLast(20));
        app.Dispose();
        throw new InvalidOperationException($"The app did not answer within 60 s:\n{lines}");
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync("/");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException or IOException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, no lease given back.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as a container runtime stops it; killed if it has not stopped within 10 s.</summary>
    public void Stop()
    {
        if (_process.HasExited) return;
        using var term = Process.Start("kill", ["-s", "TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        term.WaitForExit();
        if (!_process.WaitForExit(10_000)) Kill();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningOn();
}
