using System.Globalization;
using System.Runtime.InteropServices;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// <c>./eng/azure-run.sh</c> (docs/deploy.md, "The Azure-shaped run"): the test assembly's entry point, which the test
/// runner never calls. It starts the same <see cref="AzureShapedRun"/> the tests use, with the package in the given
/// folder on http://127.0.0.1:7071, waits for Ctrl+C, stops the app as the platform does (which flushes its
/// telemetry) and prints what the identity endpoint and Application Insights saw.
/// </summary>
public static class AzureShapedCommand
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["--azure-shaped", var appDirectory, ..])
        {
            await Console.Error.WriteLineAsync("Usage: LeadFunctions.Tests.dll --azure-shaped <published package folder> [port]   (./eng/azure-run.sh runs it)");
            return 2;
        }

        var port = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7071;
        await using var run = await AzureShapedRun.StartAsync();
        using var app = await run.StartAppAsync(Path.GetFullPath(appDirectory), port);
        var url = $"http://127.0.0.1:{app.Port}{TestApp.LeadsPath()}";
        Console.WriteLine($"""

            Azure-shaped run: the app with the settings of infra/main.bicep, by managed identity only.
              Lead endpoint          {url}
              Managed identity       {run.Identity.Url} (client id {run.AppClientId})
              Storage (Azurite)      {run.Storage.ServiceUri("queue")} , {run.Storage.ServiceUri("table")}  (OAuth only, HTTPS)
              Application Insights   {run.Ingestion.Url}v2.1/track  (Entra ID tokens only)
            Post Microsoft's sample lead:
              curl -i -X POST '{url}' -H 'Content-Type: application/json' --data @LeadFunctions.Tests/Samples/documented-sample-lead.json
            Ctrl+C stops the app (its telemetry is flushed) and prints what arrived.

            """);

        // Ctrl+C (SIGINT) or SIGTERM: stop the app first, so that its telemetry is flushed before the summary.
        var stop = new TaskCompletionSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await Task.WhenAny(stop.Task, WaitForExitAsync(app));
        app.Stop();

        Console.WriteLine("Token requests (client id, audience, status):");
        foreach (var group in run.Identity.Requests.GroupBy(r => r)) Console.WriteLine($"  {group.Key.ClientId} {group.Key.Resource} {group.Key.Status} x{group.Count()}");
        var accepted = run.Ingestion.Accepted.ToList();
        Console.WriteLine($"Application Insights accepted {accepted.Count} items and refused {run.Ingestion.Refused} batches {string.Join("; ", run.Ingestion.Refusals.Distinct())}");
        foreach (var group in accepted.GroupBy(i => i.BaseType).OrderBy(g => g.Key)) Console.WriteLine($"  {group.Key}: {group.Count()}");
        Console.WriteLine("  metrics: " + string.Join(", ", accepted.Select(i => i.MetricName).OfType<string>().Distinct().Order()));
        return run.Ingestion.Refused == 0 ? 0 : 1;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
    }

    private static async Task WaitForExitAsync(Reliability.AppProcess app)
    {
        while (!app.HasExited) await Task.Delay(500);
    }
}
