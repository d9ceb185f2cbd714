using System.Diagnostics;
using System.Globalization;
using LeadFunctions.Testing;

namespace LeadFunctions.Benchmarks;

/// <summary>
/// Delivery throughput to Dataverse under a service-protection limit: N leads are put in the queue (Azurite on disk) beforehand (the
/// envelopes the intake would write, through the Azure SDK), then the app is started standalone with delivery on and
/// <c>Destinations__Default=Dataverse</c> against the loopback fake (<see cref="FakeDataverse"/>, the tests' own) that admits at
/// most R requests per sliding window and answers 429 + Retry-After beyond it. The baseline, in the same run: the same
/// N leads with no limit (the raw delivery rate). Each run gets a fresh queue, fake and app process, and a deadline.
/// </summary>
internal static class DeliveryBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var leads = int.Parse(Option(args, "--leads", "2000"), CultureInfo.InvariantCulture);
        // requests/window seconds[/retry-after seconds], comma separated; "none" = no limit (the baseline, always run first).
        var limits = Option(args, "--limits", "40/1,100/1,100/5").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var launch = args.Contains("--app") ? AppLaunch.Parse(Option(args, "--app", "")) : AppLaunch.Default;
        var extra = ExtraSettings(args);
        var output = Option(args, "--out", Path.Combine(Repo.Root, "artifacts", "bench", "delivery.json"));

        using var azurite = await AzuriteProcess.StartAsync(onDisk: true);
        var envelopes = DataverseBacklog.Envelopes(leads);
        Console.WriteLine($"Delivery benchmark: app {launch.Name} ({launch.Path}), {leads} leads per run, Dataverse fake on loopback, Azurite on disk" +
                          (extra.Count > 0 ? $", settings {string.Join(' ', extra.Select(e => $"{e.Key}={e.Value}"))}" : ""));
        Console.WriteLine("| limit | allowed /s | created /s | ratio to allowed | ratio to raw | 429s | 412s | records | extra | lost | poison | first→last create s | drain s |");

        var results = new List<Result>();
        var run = 0;
        foreach (var spec in limits.Where(l => l != "none").Prepend("none"))
        {
            var limit = ParseLimit(spec);
            var result = await RunOnceAsync(azurite, launch, extra, envelopes, limit, $"bench-delivery-{run++}");
            results.Add(result);
            var raw = results[0].CreatedPerSecond;
            Console.WriteLine(
                $"| {spec} | {(limit is null ? "—" : result.AllowedPerSecond.ToString("F1", CultureInfo.InvariantCulture))} | {result.CreatedPerSecond:F1} | " +
                $"{(limit is null ? "—" : (result.CreatedPerSecond / result.AllowedPerSecond).ToString("F2", CultureInfo.InvariantCulture) + "x")} | " +
                $"{result.CreatedPerSecond / raw:F2}x | {result.Throttled} | {result.AlreadyExisted} | {result.Records} | {result.Extra} | {result.Lost} | {result.Poisoned} | " +
                $"{result.CreateSpanSeconds:F1} | {result.DrainSeconds:F1} |");
        }

        await Repo.WriteResultsAsync(output, new { app = launch.Name, leads, settings = extra, results });
        return results.All(r => r.Lost == 0 && r.Extra == 0) ? 0 : 1;
    }

    private static async Task<Result> RunOnceAsync(
        AzuriteProcess azurite, AppLaunch launch, Dictionary<string, string> extra, string[] envelopes, ServiceProtectionLimit? limit, string queueName)
    {
        var queue = await DataverseBacklog.EnqueueAsync(azurite, queueName, envelopes);
        var poison = DataverseBacklog.Queue(azurite, queueName + "-poison");
        await using var fake = await FakeDataverse.StartAsync();
        fake.Limit = limit;
        var settings = DataverseBacklog.Settings(azurite, fake, queueName, extra);

        var clock = Stopwatch.StartNew();
        using var app = launch.Start(Repo.FreePort(), settings);
        var deadline = TimeSpan.FromMinutes(limit is null ? 3 : 6);
        try
        {
            while (clock.Elapsed < deadline && !await DataverseBacklog.DrainedAsync(fake, queue, envelopes.Length))
            {
                if (app.HasExited) throw new InvalidOperationException($"The app exited with {app.ExitCode}.");
                await Task.Delay(50);
            }

            var drained = clock.Elapsed.TotalSeconds;
            await Task.Delay(1000); // anything still in flight (a duplicate would show now)
            var (first, span) = DataverseBacklog.CreateSpan(fake);
            var distinctEmails = DataverseBacklog.DistinctLeads(fake);
            await DataverseBacklog.WriteTimelineAsync(fake, first, queueName);

            var poisoned = await DataverseBacklog.CountAsync(poison);
            var allowed = limit is null ? double.NaN : limit.Requests / limit.Window.TotalSeconds;
            return new Result(
                limit is null ? "none" : $"{limit.Requests}/{limit.Window.TotalSeconds:0}s, Retry-After {limit.RetryAfterSeconds}s",
                allowed, fake.Creates / span, fake.Throttled, fake.AlreadyExisted, fake.Requests, fake.Leads.Count,
                Extra: fake.Creates - distinctEmails, Lost: envelopes.Length - distinctEmails, poisoned, span, drained, Repo.Memory(app.Id).PeakMiB,
                fake.MaxConcurrent, fake.Violations.Distinct().ToArray());
        }
        finally
        {
            if (!app.HasExited) app.Kill();
            await app.WaitForExitAsync();
        }
    }

    /// <summary>App settings given as <c>--set:Name=value</c> (e.g. <c>--set:Destinations:Dataverse:MaxConcurrency=4</c>).</summary>
    internal static Dictionary<string, string> ExtraSettings(string[] args) =>
        args.Where(a => a.StartsWith("--set:", StringComparison.Ordinal)).Select(a => a["--set:".Length..].Split('=', 2)).ToDictionary(a => a[0], a => a[1]);

    /// <summary><c>R/W</c> or <c>R/W/retryAfter</c> (seconds); Retry-After defaults to the window; <c>none</c> = no limit.</summary>
    internal static ServiceProtectionLimit? ParseLimit(string spec)
    {
        if (spec == "none") return null;
        var parts = spec.Split('/').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new ServiceProtectionLimit(parts[0], TimeSpan.FromSeconds(parts[1]), parts.Length > 2 ? parts[2] : parts[1]);
    }

    internal static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed record Result(
        string Limit, double AllowedPerSecond, double CreatedPerSecond, int Throttled, int AlreadyExisted, int Requests, int Records, int Extra, int Lost,
        int Poisoned, double CreateSpanSeconds, double DrainSeconds, double AppPeakRssMiB, int MaxConcurrent, string[] Violations);
}
