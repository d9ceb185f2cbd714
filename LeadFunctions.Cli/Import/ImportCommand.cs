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
        var file = new Argument<FileInfo>("file") { Description = "A CSV with a header row (Partner Center's Referrals export, or any CSV with the " +
            "columns listed in docs/operate.md), or a JSON-lines file with one lead per line." };
        file.AcceptExistingOnly();
        var url = EndpointOption.Create();
        var format = new Option<string>("--format") { Description = "The file's format; auto decides by extension (.csv; .jsonl, .ndjson, .json) " +
            "or by the first character.", DefaultValueFactory = _ => LeadFile.Auto };
        format.AcceptOnlyFromAmong(LeadFile.Auto, LeadFile.Csv, LeadFile.JsonLines);
        var concurrency = Positive(new Option<int>("--concurrency") { Description = "How many leads are posted at " +
            "once.", DefaultValueFactory = _ => 4 }, 64);
        var attempts = Positive(new Option<int>("--max-attempts") { Description = "Tries per lead when the endpoint answers 503/429/502/504 or " +
            "cannot be reached; waits as Retry-After says, else 1 s doubling.", DefaultValueFactory = _ => 5 }, 50);
        var every = Positive(new Option<int>("--progress-every") { Description = "Report progress after every N " +
            "leads.", DefaultValueFactory = _ => 100 }, int.MaxValue);
        var json = new Option<bool>("--json") { Description = "Print a JSON report with every line's outcome and lead id (progress then goes to " +
            "standard error)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read and check the file, show which columns are taken for which lead field and " +
            "which rows are refused, and send nothing." };
        var encoding = LeadFileEncoding.CreateOption();
        var command = new Command("import", Help)
        {
            file,
            url,
            format,
            encoding,
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

            var content = await LeadFile.ReadAsync(path, parse.GetRequiredValue(format), parse.GetValue(encoding), cancellationToken);
            var endpoint = parse.GetRequiredValue(url);
            var dry = parse.GetValue(dryRun);
            var sending = !dry && content.IsCertain;
            var key = sending ? EndpointKey.Resolve(endpoint, environment, cancellationToken) : null;
            await info.WriteLineAsync(sending
                ? $"Importing {Text.Count(content.Rows.Count, "lead")} from {Path.GetFileName(path)} ({content.Format}) to " +
                    $"{IntakeClient.Redact(endpoint)}"
                : $"Read {Text.Count(content.Rows.Count, "lead")} from {Path.GetFileName(path)} ({content.Format})");
            if (content.Columns.Count > 0) await info.WriteLineAsync($"  columns: {string.Join(", ", content.Columns)}");
            if (content.IgnoredColumns.Count > 0) await info.WriteLineAsync($"  ignored: {string.Join(", ", content.IgnoredColumns)}");

            if (dry)
            {
                var refused = content.Rows.Where(r => r.Problem is not null).ToList();
                foreach (var row in refused) await info.WriteLineAsync($"  line {row.Line}: refused: {row.Problem}");
                var postable = content.IsCertain ? content.Rows.Count - refused.Count : 0;
                await info.WriteLineAsync($"Dry run: nothing sent; {postable} of {Text.Count(content.Rows.Count, "lead")} would be " +
                    $"posted{(content.IsCertain ? "" : $": {InDoubt}")}.");
                return refused.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
            }

            ImportReport report;
            if (sending)
            {
                using var intake = new IntakeClient(endpoint, key, TimeSpan.FromSeconds(60), environment.Time);
                var settings = new ImportSettings(parse.GetValue(concurrency), parse.GetValue(attempts), parse.GetValue(every));
                report = await new LeadImport(intake, settings, environment.Time, info).RunAsync(path, content, cancellationToken);
            }
            else
            {
                report = LeadImport.NothingSent(path, content);
            }

            if (asJson) await environment.Output.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Output.ImportReport));
            else await WriteAsync(environment.Output, report);
            return report switch
            {
                { Interrupted: true } => ExitCodes.Interrupted,
                { EndpointUnreachable: true } => ExitCodes.Unreachable,
                { KeyRefused: true } => ExitCodes.Usage,
                { Complete: true } => ExitCodes.Success,
                _ => ExitCodes.Failed,
            };
        });
        return command;
    }

    /// <summary>What the command does, exactly as docs/operate.md ("Import (backfill)") says it.</summary>
    private const string Help =
        "Backfill leads from a file through the lead endpoint, with its validation and its lead ids: importing the same file again creates nothing " +
            "twice. " +
        "Every row is read and checked before anything is sent. " +
        "A file that is not UTF-8 (see --encoding) or has no header naming lead columns is refused: nothing is sent, exit code 2. " +
        "A row whose quotes or number of fields do not add up, or with a line break inside a one-line value, is refused, and since where the rows " +
            "around it begin and end is then a guess, nothing is sent. " +
        "A row with a value a spreadsheet would run as a formula (starting with =, +, - or @; phone numbers such as +1 425 555 0100 are fine), or " +
            "that is not JSON where JSON is expected, is refused and the others are sent. " +
        "Errors name lines and fields, never values. " +
        "The key: code= in --url, else the LEADFUNCTIONS_KEY environment variable, else typed when asked. " +
        "Exits 0 when every lead was imported or was there already; 1 if any row was refused or any lead was rejected, failed or not sent; " +
        "2 if the file cannot be read or an option or the key is missing or wrong (nothing is sent); 3 if the endpoint could not be reached; 130 " +
            "if interrupted.";

    /// <summary>Why a file with a row in doubt (<see cref="LeadFileContent.IsCertain"/>) sends nothing.</summary>
    private const string InDoubt = "a row whose quotes or fields do not add up makes where the rows around it begin and end a guess, and a row cut " +
        "in the wrong place would import the wrong person; fix the lines above and run the import again";

    private static async Task WriteAsync(TextWriter output, ImportReport report)
    {
        var retries = report.Retries > 0 ? $" ({Text.Count(report.Retries, "retry", "retries")})" : "";
        var refused = report.Refused > 0 ? $", {report.Refused} refused" : "";
        var notSent = report.NotSent > 0 ? $", {report.NotSent} not sent" : "";
        await output.WriteLineAsync($"Done: {report.Leads} leads: {report.Imported} imported, {report.Duplicates} duplicate, {report.Rejected} " +
            $"rejected, {report.Failed} failed{refused}{notSent}{retries}.");
        foreach (var row in report.Results.Where(r => r.Outcome is RowOutcome.Rejected or RowOutcome.Failed or RowOutcome.Refused))
        {
            await output.WriteLineAsync($"  line {row.Line}: {Word(row.Outcome)}: {row.Reason}");
        }

        if (report.FileInDoubt) await output.WriteLineAsync($"Nothing sent: {InDoubt}.");

        if (report.StoppedBecause is not null)
        {
            await output.WriteLineAsync($"Stopped early, {Text.Count(report.NotSent, "lead")} not sent: every further lead would get the same " +
                "answer. Fix the URL or key and run the import again; leads already imported are not duplicated.");
        }

        if (report.Interrupted) await output.WriteLineAsync("Interrupted. Running the same import again is safe: imported leads keep their ids and " +
            "are not duplicated.");
    }

    private static string Word(RowOutcome outcome) => outcome switch
    {
        RowOutcome.Rejected => "rejected",
        RowOutcome.Refused => "refused",
        _ => "failed",
    };

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
