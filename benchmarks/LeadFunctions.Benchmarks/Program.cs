using BenchmarkDotNet.Running;

namespace LeadFunctions.Benchmarks;

/// <summary>
/// <c>micro [BenchmarkDotNet args]</c>: per-lead CPU and allocations (BenchmarkDotNet).
/// <c>intake [options]</c>: intake throughput, latency and memory against Azurite, beside the raw SDK enqueue.
/// <c>delivery [options]</c>: delivery throughput to a loopback Dataverse with a service-protection limit, beside no limit.
/// <c>fleet [options]</c>: N app processes draining one backlog into one loopback Dataverse with a request and a concurrency limit.
/// <c>coldstart [options]</c>: process start to first 202, for each way of building the app.
/// Every request goes to 127.0.0.1 only, and every loop is bounded in count and time.
/// </summary>
public static class Program
{
    /// <summary>The function key the benchmarks give the app they start.</summary>
    public const string Key = "bench-key";

    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "";
        var rest = args.Skip(1).ToArray();
        switch (mode)
        {
            case "micro":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                return 0;
            case "intake":
                return await IntakeBenchmark.RunAsync(rest);
            case "delivery":
                return await DeliveryBenchmark.RunAsync(rest);
            case "fleet":
                return await FleetBenchmark.RunAsync(rest);
            case "coldstart":
                return await ColdStart.RunAsync(rest);
            default:
                await Console.Error.WriteLineAsync("usage: LeadFunctions.Benchmarks micro|intake|delivery|fleet|coldstart [options]  (see eng/bench.sh)");
                return 2;
        }
    }
}
