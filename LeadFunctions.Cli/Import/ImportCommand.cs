using System.CommandLine;
using System.Text.Json;
using LeadFunctions.Cli.Intake;
using LeadFunctions.Cli.Output;

namespace LeadFunctions.Cli.Import;

/// <summary><c>import</c>: backfill leads from a CSV export or a JSON-lines file, through the intake endpoint.</summary>
internal static class ImportCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = new Argument<FileInfo>("file") { Description = "A CSV with a header row (Partner Center's Referrals export, or any CSV with the columns listed in docs/operate.md), or a JSON-lines file with one lead per line." };
        file.AcceptExistingOnly();
        var url = EndpointOption.Create();
        var format = new Option<string>("--format") { Description = "The file's format; auto decides by extension (.csv; .jsonl, .ndjson, .json) or by the first character.", DefaultValueFactory = _ => LeadFile.Auto };
        format.AcceptOnlyFromAmong(LeadFile.Auto, LeadFile.Csv, LeadFile.JsonLines);
        var concurrency = Positive(new Option<int>("--concurrency") { Description = "How many leads are posted at once.", DefaultValueFactory = _ => 4 }, 64);
        var attempts = Positive(new Option<int>("--max-attempts") { Description = "Tries per lead when the endpoint answers 503/429/502/504 or cannot be reached; waits as Retry-After says, else 1 s doubling.", DefaultValueFactory = _ => 5 }, 50);
        var every = Positive(new Option<int>("--progress-every") { Description = "Report progress after every N leads.", DefaultValueFactory = _ => 100 }, int.MaxValue);
        var json = new Option<bool>("--json") { Description = "Print a JSON report with every line's outcome and lead id (progress then goes to standard error)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read the file and show which columns are taken for which lead field, without sending anything." };
        var command = new Command("import", "Backfill leads from a file through the lead endpoint, with its validation and its lead ids: importing the same file again creates nothing twice. Exits 1 if any lead was rejected or failed.")
        {
            file,
            url,
            format,
            concurrency,
            attempts,
            every,
            json,
            dryRun,
        };
        command.SetGuardedAction(environment, async (parse, cancellationToken) =>
        {
            var path = parse.GetRequiredValue(file).FullName;
            var asJson = parse.GetValue(json);
            var info = asJson ? environment.Error : environment.Output;

            var content = await LeadFile.ReadAsync(path, parse.GetRequiredValue(format), cancellationToken);
            using var intake = new IntakeClient(parse.GetRequiredValue(url), TimeSpan.FromSeconds(60));
            var dry = parse.GetValue(dryRun);
            await info.WriteLineAsync(dry
                ? $"Read {Text.Count(content.Rows.Count, "lead")} from {Path.GetFileName(path)} ({content.Format})"
                : $"Importing {Text.Count(content.Rows.Count, "lead")} from {Path.GetFileName(path)} ({content.Format}) to {intake.RedactedEndpoint}");
            if (content.Columns.Count > 0) await info.WriteLineAsync($"  columns: {string.Join(", ", content.Columns)}");
            if (content.IgnoredColumns.Count > 0) await info.WriteLineAsync($"  ignored: {string.Join(", ", content.IgnoredColumns)}");

            if (dry)
            {
                var unreadable = content.Rows.Where(r => r.Problem is not null).ToList();
                foreach (var row in unreadable) await info.WriteLineAsync($"  line {row.Line}: {row.Problem}");
                await info.WriteLineAsync($"Dry run: nothing sent; {content.Rows.Count - unreadable.Count} of {Text.Count(content.Rows.Count, "lead")} would be posted.");
                return ExitCodes.Success;
            }

            var settings = new ImportSettings(parse.GetValue(concurrency), parse.GetValue(attempts), parse.GetValue(every));
            var report = await new LeadImport(intake, settings, environment.Time, info).RunAsync(path, content, cancellationToken);

            if (asJson) await environment.Output.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Output.ImportReport));
            else await WriteAsync(environment.Output, report);
            return report switch
            {
                { Interrupted: true } => ExitCodes.Interrupted,
                { EndpointUnreachable: true } => ExitCodes.Unreachable,
                { Complete: true } => ExitCodes.Success,
                _ => ExitCodes.Failed,
            };
        });
        return command;
    }

    private static async Task WriteAsync(TextWriter output, ImportReport report)
    {
        var retries = report.Retries > 0 ? $" ({Text.Count(report.Retries, "retry", "retries")})" : "";
        await output.WriteLineAsync($"Done: {report.Leads} leads: {report.Imported} imported, {report.Duplicates} duplicate, {report.Rejected} rejected, {report.Failed} failed{(report.NotSent > 0 ? $", {report.NotSent} not sent" : "")}{retries}.");
        foreach (var row in report.Results.Where(r => r.Outcome is RowOutcome.Rejected or RowOutcome.Failed))
        {
            await output.WriteLineAsync($"  line {row.Line}: {(row.Outcome == RowOutcome.Rejected ? "rejected" : "failed")}: {row.Reason}");
        }

        if (report.StoppedBecause is not null)
        {
            await output.WriteLineAsync($"Stopped early, {Text.Count(report.NotSent, "lead")} not sent: every further lead would get the same answer. Fix the URL or key and run the import again; leads already imported are not duplicated.");
        }

        if (report.Interrupted) await output.WriteLineAsync("Interrupted. Running the same import again is safe: imported leads keep their ids and are not duplicated.");
    }

    private static Option<int> Positive(Option<int> option, int max)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < 1 || value > max) result.AddError($"{option.Name} must be between 1 and {max}.");
        });
        return option;
    }
}
