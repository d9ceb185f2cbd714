using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Queues;

namespace LeadFunctions.Benchmarks;

/// <summary>
/// Cold start: from starting the process to the first 202 for a lead (the lead stored in the queue), for each way of
/// building the app, median of several runs. Azurite and the queue exist beforehand, as in production.
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

        Console.WriteLine($"Cold start to first 202, {runs} runs each (plus one discarded warm-up run that fills the OS file cache)");
        Console.WriteLine($"| variant | median ms | ratio to {launches[0].Name} | min ms | max ms | RSS at first 202, MiB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        double? baseline = null; // the first variant's median: ratios compare within this run (the machine's load varies between runs)
        foreach (var launch in launches)
        {
            var times = new List<double>();
            var memory = new List<double>();
            try
            {
                for (var run = 0; run <= runs; run++)
                {
                    var (ms, rss) = await OnceAsync(launch, azurite.ConnectionString, lead);
                    if (run == 0) continue;
                    times.Add(ms);
                    memory.Add(rss);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or System.ComponentModel.Win32Exception)
            {
                Console.WriteLine($"| {launch.Name} | failed: {e.Message} | | | | |");
                continue;
            }

            times.Sort();
            memory.Sort();
            var median = times[times.Count / 2];
            baseline ??= median;
            Console.WriteLine($"| {launch.Name} | {median:F0} | {median / baseline:F2} | {times[0]:F0} | {times[^1]:F0} | {memory[memory.Count / 2]:F0} |");
        }

        return 0;
    }

    private static async Task<(double Ms, double RssMiB)> OnceAsync(AppLaunch launch, string connectionString, string lead)
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
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var ms = clock.Elapsed.TotalMilliseconds;
                        return (ms, Repo.Memory(process.Id).CurrentMiB);
                    }

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
