using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Queues;
using LeadFunctions.Testing.StandInHost;

namespace LeadFunctions.Benchmarks;

/// <summary>
/// Cold start of each way of publishing the app, median of several runs, with Azurite and the queue in place as in
/// production. Per variant: as the Functions host starts it (through the stand-in host: process start until every
/// function is loaded, and until the first 202 of a ReceiveLead invocation), and standalone (process start to the
/// first 202 of <c>POST /api/leads</c>). Ratios compare with the first variant in the same run.
/// </summary>
internal static class ColdStart
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = 7;
        var launches = new List<AppLaunch>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--variant") launches.Add(AppLaunch.Parse(args[++i]));
        }

        if (launches.Count == 0) launches.Add(AppLaunch.Default);
        using var azurite = await AzuriteProcess.StartAsync();
        await new QueueClient(azurite.ConnectionString, "bench-cold").CreateIfNotExistsAsync();
        await new QueueClient(azurite.ConnectionString, "bench-cold-poison").CreateIfNotExistsAsync();
        var lead = Repo.SampleLead;

        Console.WriteLine($"Cold start, {runs} runs each (plus one discarded warm-up run that fills the OS file cache); median ms (min–max), ratio to {launches[0].Name}");
        Console.WriteLine("| variant | worker: functions loaded | ratio | worker: first 202 | ratio | standalone: first 202 | ratio | RSS at first 202 (worker), MiB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        (double Loaded, double Worker202, double Standalone202)? baseline = null;
        foreach (var launch in launches)
        {
            var loaded = new List<double>();
            var worker202 = new List<double>();
            var standalone202 = new List<double>();
            var memory = new List<double>();
            try
            {
                for (var run = 0; run <= runs; run++)
                {
                    var worker = await WorkerOnceAsync(launch, azurite.ConnectionString, lead);
                    var standalone = await StandaloneOnceAsync(launch, azurite.ConnectionString, lead);
                    if (run == 0) continue;
                    loaded.Add(worker.LoadedMs);
                    worker202.Add(worker.First202Ms);
                    memory.Add(worker.RssMiB);
                    standalone202.Add(standalone);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or StandInHostException or System.ComponentModel.Win32Exception)
            {
                Console.WriteLine($"| {launch.Name} | failed: {e.Message.Split('\n')[0]} | | | | | | |");
                continue;
            }

            var medians = (Median(loaded), Median(worker202), Median(standalone202));
            baseline ??= medians;
            Console.WriteLine($"| {launch.Name} | {Cell(loaded)} | {medians.Item1 / baseline.Value.Loaded:F2} | {Cell(worker202)} | {medians.Item2 / baseline.Value.Worker202:F2} " +
                              $"| {Cell(standalone202)} | {medians.Item3 / baseline.Value.Standalone202:F2} | {Median(memory):F0} |");
        }

        return 0;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Cell(List<double> values) => $"{Median(values):F0} ({values.Min():F0}–{values.Max():F0})";

    /// <summary>The published folder started by the stand-in host, as the Functions host starts a dotnet-isolated worker.</summary>
    private static async Task<(double LoadedMs, double First202Ms, double RssMiB)> WorkerOnceAsync(AppLaunch launch, string connectionString, string lead)
    {
        var settings = new Dictionary<string, string?>(launch.Environment.ToDictionary(e => e.Key, e => (string?)e.Value))
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["LeadQueueName"] = "bench-cold",
            ["Telemetry__Exporter"] = "None",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var host = await FunctionsHostStandIn.StartAsync(launch.Directory, settings);
        var sinceLoaded = Stopwatch.StartNew();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = new StringContent(lead, System.Text.Encoding.UTF8, "application/json") };
        using var response = await host.InvokeHttpAsync("ReceiveLead", post);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"{launch.Name} answered {(int)response.StatusCode} as a worker");
        var first202 = host.StartupDuration + sinceLoaded.Elapsed;
        return (host.StartupDuration.TotalMilliseconds, first202.TotalMilliseconds, Repo.Memory(host.WorkerProcessId!.Value).CurrentMiB);
    }

    /// <summary>The published folder run standalone (<c>dotnet LeadFunctions.dll</c>), until the first 202.</summary>
    private static async Task<double> StandaloneOnceAsync(AppLaunch launch, string connectionString, string lead)
    {
        var port = Repo.FreePort();
        var settings = AppLaunch.Settings(connectionString, "bench-cold", processQueue: true);
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        using var process = launch.Start(port, settings);
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                try
                {
                    using var content = new StringContent(lead, System.Text.Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync($"/api/leads?code={Program.Key}", content);
                    if (response.StatusCode == HttpStatusCode.Accepted) return clock.Elapsed.TotalMilliseconds;
                    throw new InvalidOperationException($"{launch.Name} answered {(int)response.StatusCode}");
                }
                catch (HttpRequestException e) when (e.InnerException is SocketException)
                {
                    await Task.Delay(2);
                }
            }

            throw new TimeoutException(process.HasExited ? $"{launch.Name} exited with code {process.ExitCode} before answering." : $"{launch.Name} gave no 202 within 60 s.");
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
        }
    }
}
