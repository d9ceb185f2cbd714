using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using LeadFunctions.Leads;
using LeadFunctions.Storage;

namespace LeadFunctions.Benchmarks;

/// <summary>
/// Intake throughput and latency over loopback, against the raw limit measured in the same run: the Azure SDK sending
/// the same envelopes straight to the same Azurite with the same concurrency. Rounds alternate raw and app so that
/// drift on a shared machine hits both. Bounded: a fixed number of requests per run and a deadline per run.
/// </summary>
internal static class IntakeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Option(args, "--clients", "1,16,64").Split(',').Select(int.Parse).ToArray();
        var rounds = int.Parse(Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        var processQueue = bool.Parse(Option(args, "--process-queue", "false"));
        var launch = args.Contains("--app") ? AppLaunch.Parse(Option(args, "--app", "")) : AppLaunch.Default;
        var output = Option(args, "--out", Path.Combine(Repo.Root, "artifacts", "bench", $"intake-{(processQueue ? "with" : "without")}-delivery.json"));

        using var azurite = await AzuriteProcess.StartAsync();
        var port = Repo.FreePort();
        using var app = launch.Start(port, AppLaunch.Settings(azurite.ConnectionString, "bench-app", processQueue));
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitForAppAsync(http);
        await Task.Delay(2000);
        var idle = Repo.Memory(app.Id);

        var raw = new QueueClient(azurite.ConnectionString, "bench-raw", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await raw.CreateIfNotExistsAsync();
        var appQueue = new QueueClient(azurite.ConnectionString, "bench-app", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        var bodies = Enumerable.Range(0, 10_000).Select(Lead).ToArray();
        var envelopes = bodies.Select(Envelope).ToArray();
        Func<int, Task> sendRaw = i => raw.SendMessageAsync(envelopes[i % envelopes.Length], null, LeadQueue.NeverExpires);
        Func<int, Task> postLead = async i =>
        {
            using var content = new StringContent(bodies[i % bodies.Length], System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"/api/leads?code={Program.Key}", content);
            if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"intake answered {(int)response.StatusCode}");
        };

        Console.WriteLine($"Intake benchmark: app {launch.Name} ({launch.Path}), delivery {(processQueue ? "on" : "off")}, {rounds} rounds, Azurite in memory, all on 127.0.0.1");
        await LoadAsync(sendRaw, 16, 300);
        await LoadAsync(postLead, 16, 300);

        var results = new List<Result>();
        foreach (var c in clients)
        {
            // With delivery on, the backlog is drained after each run: Azurite slows down as a queue grows (it scans it).
            var requests = processQueue ? (c == 1 ? 200 : 600) : c == 1 ? 300 : c <= 16 ? 1500 : 2500;
            var rawRuns = new List<Run>();
            var appRuns = new List<Run>();
            var drains = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                // Alternate which goes first, so a drift in the machine's speed does not favour one side.
                if (round % 2 == 0)
                {
                    rawRuns.Add(await LoadAsync(sendRaw, c, requests));
                    appRuns.Add(await LoadAsync(postLead, c, requests));
                }
                else
                {
                    appRuns.Add(await LoadAsync(postLead, c, requests));
                    rawRuns.Add(await LoadAsync(sendRaw, c, requests));
                }

                await raw.ClearMessagesAsync();
                if (!processQueue) await appQueue.ClearMessagesAsync();
                else drains.Add(await DrainAsync(appQueue));
            }

            var result = new Result(c, requests, Median(rawRuns, r => r.Throughput), Median(appRuns, r => r.Throughput),
                Median(rawRuns, r => r.P50), Median(appRuns, r => r.P50), Median(rawRuns, r => r.P99), Median(appRuns, r => r.P99),
                appRuns.Sum(r => r.Errors) + rawRuns.Sum(r => r.Errors));
            results.Add(result);
            if (drains.Count > 0) Console.WriteLine($"|     | backlog after the app's run delivered within a median {drains.Order().ElementAt(drains.Count / 2):F1} s more |");
            Console.WriteLine(
                $"| {c,3} | {result.RawPerSecond,8:F0}/s | {result.AppPerSecond,8:F0}/s | {result.AppPerSecond / result.RawPerSecond,5:F2}x | " +
                $"{result.RawP50,6:F1} | {result.AppP50,6:F1} | {result.RawP99,6:F1} | {result.AppP99,6:F1} | {result.AppP99 / result.RawP99,5:F2}x | {result.Errors} |");
        }

        var peak = Repo.Memory(app.Id);
        Console.WriteLine($"App memory: idle RSS {idle.CurrentMiB:F0} MiB (peak so far {idle.PeakMiB:F0} MiB); after the load RSS {peak.CurrentMiB:F0} MiB, peak (VmHWM) {peak.PeakMiB:F0} MiB");
        var azuriteMemory = Repo.Memory(azurite.Pid);
        Console.WriteLine($"Azurite memory: peak {azuriteMemory.PeakMiB:F0} MiB");

        await Repo.WriteResultsAsync(output, new
        {
            app = launch.Name,
            delivery = processQueue,
            rounds,
            results,
            memory = new { idleRssMiB = idle.CurrentMiB, peakRssMiB = peak.PeakMiB, afterLoadRssMiB = peak.CurrentMiB },
        });
        if (!app.HasExited) app.Kill();
        return 0;
    }

    /// <summary><paramref name="requests"/> calls of <paramref name="send"/> by <paramref name="clients"/> concurrent senders; at most 2 minutes.</summary>
    private static async Task<Run> LoadAsync(Func<int, Task> send, int clients, int requests)
    {
        var latencies = new double[requests];
        var next = -1;
        var errors = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < requests && !deadline.IsCancellationRequested; i = Interlocked.Increment(ref next))
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await send(i);
                }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException or Azure.RequestFailedException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        total.Stop();
        var done = Math.Min(requests, next);
        Array.Sort(latencies, 0, done);
        return new Run(done / total.Elapsed.TotalSeconds, Percentile(latencies, done, 0.50), Percentile(latencies, done, 0.99), errors);
    }

    /// <summary>Seconds until the app's delivery has emptied its queue (at most 3 minutes).</summary>
    private static async Task<double> DrainAsync(QueueClient queue)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3) && (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0) await Task.Delay(100);
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task WaitForAppAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("/");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The app did not start within 60 s.");
    }

    /// <summary>The documented sample, made distinct per request (a different lead id, as in real traffic).</summary>
    internal static string Lead(int i)
    {
        var lead = System.Text.Json.Nodes.JsonNode.Parse(Repo.SampleLead)!.AsObject();
        lead["UserDetails"]!["Email"] = $"someone{i}@contoso.com";
        return lead.ToJsonString();
    }

    internal static string Envelope(string body)
    {
        using var document = JsonDocument.Parse(body);
        var read = LeadReader.Published.Read(document.RootElement);
        return new LeadEnvelope { LeadId = read.LeadId!, ReceivedAt = DateTimeOffset.UtcNow, Lead = document.RootElement.Clone(), TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }.ToJson();
    }

    private static double Percentile(double[] sorted, int count, double p) => count == 0 ? double.NaN : sorted[Math.Min(count - 1, (int)Math.Ceiling(p * count) - 1)];

    private static double Median<T>(List<T> runs, Func<T, double> value)
    {
        var values = runs.Select(value).Order().ToArray();
        return values[values.Length / 2];
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed record Run(double Throughput, double P50, double P99, int Errors);

    private sealed record Result(int Clients, int Requests, double RawPerSecond, double AppPerSecond, double RawP50, double AppP50, double RawP99, double AppP99, int Errors);
}
