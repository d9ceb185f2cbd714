using LeadFunctions.Hosting;
using System.CommandLine;
using System.Text.Json;
using LeadFunctions.Cli.Intake;
using LeadFunctions.Cli.Output;
using LeadFunctions.Cli.Storage;
using LeadFunctions.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeadFunctions.Cli.Status;

/// <summary><c>status</c>: is the pipeline moving? Queue depths, the oldest waiting message in each queue, deliveries
/// in the last hour, the pipeline gauges.</summary>
internal static class StatusCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var storage = new StorageArguments();
        var json = new Option<bool>("--json") { Description = "Print JSON (for scripts and monitoring) instead of text." };
        var health = EndpointOption.Health();
        var command = new Command("status", "Show the lead queue's and the poison queue's depth, the age of the oldest waiting message in each, " +
            "the deliveries of the last hour (from the delivery journal), and the pipeline gauges under the names the app records them as metrics.")
        {
            json,
            health,
        };
        storage.AddTo(command);
        command.SetGuardedAction(environment, async (parse, cancellationToken) =>
        {
            using var connection = storage.Connect(parse, environment);
            var report = await PipelineStatus.ReadAsync(connection, parse.GetValue(health), environment.Time, cancellationToken);
            if (parse.GetValue(json)) await environment.Output.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Output.StatusReport));
            else await WriteTextAsync(environment.Output, report);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task WriteTextAsync(TextWriter output, StatusReport report)
    {
        var width = Math.Max(report.Queue.Name.Length, report.Poison.Name.Length);
        await output.WriteLineAsync($"Storage     {report.Account}");
        await output.WriteLineAsync($"Queue       {report.Queue.Name.PadRight(width)}  {Describe(report.Queue, "oldest waiting")}");
        await output.WriteLineAsync($"Poison      {report.Poison.Name.PadRight(width)}  {Describe(report.Poison, "oldest")}");
        if (report.Queue.OldestNotEncoded is true)
        {
            await output.WriteLineAsync($"Warning     the oldest message in {report.Queue.Name} is not base64-encoded, as host.json says messages " +
                "are: the app cannot decode it.");
        }

        await output.WriteLineAsync(report.DeliveriesLastHour is { } delivered
            ? $"Delivered   {Text.Count(delivered, "lead")} in the last hour (journal table {report.JournalTable})"
            : "Delivered   unknown: the delivery journal is off (Delivery__JournalTable is empty)");

        var gauges = report.Gauges;
        await output.WriteLineAsync(FormattableString.Invariant(
            $"Gauges      {PipelineGauges.QueueDepth} {gauges.QueueDepth}, {PipelineGauges.OldestAge} {gauges.OldestAgeSeconds} s, ") +
            FormattableString.Invariant($"{PipelineGauges.PoisonDepth} {gauges.PoisonDepth}"));
        await output.WriteLineAsync(gauges.DestinationHealth is { } destinations
            ? $"            {PipelineGauges.DestinationHealth} " +
                $"{string.Join(", ", destinations.Select(d => $"{d.Key} {d.Value} ({(HealthStatus)d.Value})"))}"
            : $"            {PipelineGauges.DestinationHealth}: pass --health with the app's /api/health/details URL to see it");
    }

    private static string Describe(QueueState queue, string oldest) => queue switch
    {
        { Exists: false } => "does not exist yet (created with the first lead)",
        { OldestAgeSeconds: { } age } => $"{Text.Count(queue.Messages, "message")}, {oldest} {Text.Duration(TimeSpan.FromSeconds(age))}",
        _ => Text.Count(queue.Messages, "message"),
    };
}
