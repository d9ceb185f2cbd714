using System.Diagnostics;
using System.Globalization;
using LeadFunctions.Testing;

namespace LeadFunctions.Benchmarks;

/// <summary>
/// Many instances, one CRM limit: for each fleet size N, a backlog of leads is put in one queue (Azurite on disk)
/// beforehand, then N app processes are started standalone with delivery only (no intake load), all against one
/// loopback <see cref="FakeDataverse"/> that admits at most R requests per sliding window and C at once (429 +
/// Retry-After beyond either) and takes a fixed time per request. Reported per N: records created per second as a
/// ratio of the allowed R per window, the peak of concurrent requests the fake saw, its 429s, and duplicates and lost
/// leads. Each N gets a fresh queue, journal, fake and processes, and a deadline.
/// </summary>
internal static class FleetBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var leads = int.Parse(DeliveryBenchmark.Option(args, "--leads", "3000"), CultureInfo.InvariantCulture);
        var sizes = DeliveryBenchmark.Option(args, "--instances", "1,3,6").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var limit = DeliveryBenchmark.ParseLimit(DeliveryBenchmark.Option(args, "--limit", "150/10"))!;
        var concurrency = int.Parse(DeliveryBenchmark.Option(args, "--concurrency", "39"), CultureInfo.InvariantCulture);
        var latency = TimeSpan.FromMilliseconds(int.Parse(DeliveryBenchmark.Option(args, "--latency-ms", "100"), CultureInfo.InvariantCulture));
        var label = DeliveryBenchmark.Option(args, "--label", "fleet");
        var warmUp = TimeSpan.FromSeconds(int.Parse(DeliveryBenchmark.Option(args, "--warm-up-s", "20"), CultureInfo.InvariantCulture));
        var launch = args.Contains("--app") ? AppLaunch.Parse(DeliveryBenchmark.Option(args, "--app", "")) : AppLaunch.Default;
        var extra = DeliveryBenchmark.ExtraSettings(args);
        var output = DeliveryBenchmark.Option(args, "--out", Path.Combine(Repo.Root, "artifacts", "bench", $"{label}.json"));
        var allowed = limit.Requests / limit.Window.TotalSeconds;

        using var azurite = await AzuriteProcess.StartAsync(onDisk: true);
        var envelopes = DataverseBacklog.Envelopes(leads);
        Console.WriteLine($"Fleet benchmark '{label}': app {launch.Name}, {leads} leads per run, one Dataverse fake on loopback admitting {limit.Requests} requests " +
                          $"per {limit.Window.TotalSeconds:0} s (Retry-After {limit.RetryAfterSeconds} s) and {concurrency} at once, {latency.TotalMilliseconds:0} ms per request; Azurite on disk" +
                          (extra.Count > 0 ? $"; settings {string.Join(' ', extra.Select(e => $"{e.Key}={e.Value}"))}" : ""));
        Console.WriteLine("| instances | allowed /s | created /s | ratio to allowed | peak concurrent (limit) | 429s | of which over concurrency | 412s | records | duplicates | lost | poison | first→last create s | drain s |");

        var results = new List<Result>();
        foreach (var instances in sizes)
        {
            var result = await RunOnceAsync(azurite, launch, extra, envelopes, limit, concurrency, latency, warmUp, instances, $"bench-{label}-{instances}");
            results.Add(result);
            Console.WriteLine(
                $"| {instances} | {allowed:F1} | {result.CreatedPerSecond:F1} | **{result.CreatedPerSecond / allowed:F2}x** | {result.PeakConcurrent} ({concurrency}) | {result.Throttled} | " +
                $"{result.OverConcurrency} | {result.AlreadyExisted} | {result.Records} | {result.Duplicates} | {result.Lost} | {result.Poisoned} | {result.CreateSpanSeconds:F1} | {result.DrainSeconds:F1} |");
        }

        await Repo.WriteResultsAsync(output, new { label, app = launch.Name, leads, allowed, concurrency, latency, settings = extra, results });
        return results.All(r => r.Lost == 0 && r.Duplicates == 0) ? 0 : 1;
    }

    private static async Task<Result> RunOnceAsync(
        AzuriteProcess azurite, AppLaunch launch, Dictionary<string, string> extra, string[] envelopes, ServiceProtectionLimit limit, int concurrency, TimeSpan latency,
        TimeSpan warmUp, int instances, string queueName)
    {
        await using var fake = await FakeDataverse.StartAsync();
        fake.Limit = limit;
        fake.ConcurrencyLimit = concurrency;
        fake.Latency = latency;
        // What an operator sets to Dataverse's 52: the fake's (scaled) limit on requests in flight for the user.
        var appSettings = new Dictionary<string, string>(extra);
        appSettings.TryAdd("Destinations:Dataverse:FleetMaxConcurrency", concurrency.ToString(CultureInfo.InvariantCulture));
        var settings = DataverseBacklog.Settings(azurite, fake, queueName, appSettings);

        // The backlog is there before the instances start, but hidden until they have: the run measures the fleet,
        // not N processes starting at once on a small machine (each instance's first poll backs off to host.json's
        // maxPollingInterval meanwhile, so they take up the backlog within a few seconds of each other).
        var queue = await DataverseBacklog.EnqueueAsync(azurite, queueName, envelopes, hidden: warmUp);
        var poison = DataverseBacklog.Queue(azurite, queueName + "-poison");
        var clock = Stopwatch.StartNew();
        var apps = Enumerable.Range(0, instances).Select(_ => launch.Start(Repo.FreePort(), settings)).ToList();
        var deadline = warmUp + TimeSpan.FromSeconds(3 * envelopes.Length / (limit.Requests / limit.Window.TotalSeconds) + 60);
        try
        {
            while (clock.Elapsed < deadline && !await DataverseBacklog.DrainedAsync(fake, queue, envelopes.Length))
            {
                if (apps.FirstOrDefault(a => a.HasExited) is { } exited) throw new InvalidOperationException($"An instance exited with {exited.ExitCode}.");
                await Task.Delay(100);
            }

            var drained = clock.Elapsed.TotalSeconds;
            await Task.Delay(2000); // anything still in flight (a duplicate would show now)
            var (first, span) = DataverseBacklog.CreateSpan(fake);
            var distinct = DataverseBacklog.DistinctLeads(fake);
            await DataverseBacklog.WriteTimelineAsync(fake, first, queueName);
            return new Result(
                instances, fake.Creates / span, fake.MaxConcurrent, fake.Throttled, fake.OverConcurrency, fake.AlreadyExisted, fake.Requests, fake.Leads.Count,
                Duplicates: fake.Creates - distinct, Lost: envelopes.Length - distinct, await DataverseBacklog.CountAsync(poison), span, drained,
                fake.Violations.Distinct().ToArray());
        }
        finally
        {
            foreach (var app in apps)
            {
                if (!app.HasExited) app.Kill();
                await app.WaitForExitAsync();
                app.Dispose();
            }
        }
    }

    private sealed record Result(
        int Instances, double CreatedPerSecond, int PeakConcurrent, int Throttled, int OverConcurrency, int AlreadyExisted, int Requests, int Records,
        int Duplicates, int Lost, int Poisoned, double CreateSpanSeconds, double DrainSeconds, string[] Violations);
}
