using LeadFunctions.Telemetry;
using System.Collections.Concurrent;
using LeadFunctions.Cli.Intake;

namespace LeadFunctions.Cli.Import;

/// <summary>
/// Posts the leads of a file through the intake endpoint, a bounded number at a time, retrying what the endpoint
/// could not store (503, honouring its Retry-After) and what did not reach it, and counting what happened to each.
/// Because the endpoint gives each lead a stable id and delivery is create-once by that id, running it again is safe.
/// </summary>
internal sealed class LeadImport(IntakeClient intake, ImportSettings settings, TimeProvider time, TextWriter progress)
{
    private readonly ConcurrentDictionary<string, long> _leadIds = new(StringComparer.Ordinal);
    private int _retries;
    private int _accepted;
    private bool _unreachable;

    public async Task<ImportReport> RunAsync(string file, LeadFileContent content, CancellationToken cancellationToken)
    {
        if (!content.IsCertain) return NothingSent(file, content);
        var rows = content.Rows;
        var results = new RowResult?[rows.Count];
        var counts = new int[Enum.GetValues<RowOutcome>().Length];
        var done = 0;
        string? stoppedBecause = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency,
                CancellationToken = stop.Token }, async (i, token) =>
            {
                var (result, stopsEverything) = await SendAsync(rows[i], token);
                results[i] = result;
                Interlocked.Increment(ref counts[(int)result.Outcome]);
                if (stopsEverything && Interlocked.CompareExchange(ref stoppedBecause, result.Reason, null) is null) await stop.CancelAsync();

                var finished = Interlocked.Increment(ref done);
                if (finished % settings.ProgressEvery == 0 && finished < rows.Count)
                {
                    var line = $"  {finished}/{rows.Count}: {Tally(counts)}";
                    lock (progress) progress.WriteLine(line);
                }
            });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by a wrong key or URL, or interrupted: what was not sent is reported as such.
        }

        return Report(file, content, results, _retries, stoppedBecause, _unreachable && stoppedBecause is not null,
            cancellationToken.IsCancellationRequested);
    }

    /// <summary>The report of a file in doubt (<see cref="LeadFileContent.IsCertain"/>): nothing sent, the refused rows said.</summary>
    public static ImportReport NothingSent(string file, LeadFileContent content) =>
        Report(file, content, new RowResult?[content.Rows.Count], retries: 0, stoppedBecause: null, unreachable: false, interrupted: false);

    /// <summary>Counts what happened to each row; a row without a result was refused (it has a problem) or not sent.</summary>
    private static ImportReport Report(string file, LeadFileContent content, RowResult?[] results, int retries, string? stoppedBecause,
        bool unreachable, bool interrupted)
    {
        var all = results.Select((r, i) => r ?? Unsent(content.Rows[i])).ToList();
        int Count(RowOutcome outcome) => all.Count(r => r.Outcome == outcome);
        return new ImportReport(
            file, content.Format, all.Count,
            Count(RowOutcome.Imported), Count(RowOutcome.Duplicate), Count(RowOutcome.Rejected), Count(RowOutcome.Failed),
                Count(RowOutcome.Refused), Count(RowOutcome.NotSent),
            retries, FileInDoubt: !content.IsCertain, stoppedBecause, EndpointUnreachable: unreachable, Interrupted: interrupted,
            content.Columns, content.IgnoredColumns, all);
    }

    private static RowResult Unsent(LeadRow row) =>
        new(row.Line, row.Problem is null ? RowOutcome.NotSent : RowOutcome.Refused, null, null, row.Problem);

    private async Task<(RowResult Result, bool StopsEverything)> SendAsync(LeadRow row, CancellationToken cancellationToken)
    {
        if (row.Json is null) return (Unsent(row), false);

        for (var attempt = 1; ; attempt++)
        {
            IntakeAnswer answer;
            try
            {
                answer = await intake.PostAsync(row.Json, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var problem = e is HttpRequestException ? LogText.FirstLine(e.Message) : "timed out";
                if (attempt >= settings.MaxAttempts)
                {
                    // Nothing has got through yet: the endpoint is down or the URL is wrong, and every lead would wait just as long.
                    var unreachable = Volatile.Read(ref _accepted) == 0;
                    if (unreachable) Volatile.Write(ref _unreachable, true);
                    return (new RowResult(row.Line, RowOutcome.Failed, null, null, $"could not reach the endpoint after {attempt} attempts: " +
                        $"{problem}"), unreachable);
                }

                await WaitAsync(Backoff(attempt), cancellationToken);
                continue;
            }

            if (answer.IsAccepted)
            {
                Interlocked.Increment(ref _accepted);
                var leadId = answer.LeadId ?? "";
                var duplicate = answer.Duplicate | !_leadIds.TryAdd(leadId, row.Line);
                return (new RowResult(row.Line, duplicate ? RowOutcome.Duplicate : RowOutcome.Imported, answer.LeadId, answer.Status, null), false);
            }

            var reason = $"{answer.StatusLine}: {answer.Problem}";
            if (answer.StopsEverything) return (new RowResult(row.Line, RowOutcome.Failed, null, answer.Status, reason), true);
            if (answer.IsTransient && attempt < settings.MaxAttempts)
            {
                await WaitAsync(answer.RetryAfter is { } wait ? TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0,
                    settings.MaxRetryWait.Ticks)) : Backoff(attempt), cancellationToken);
                continue;
            }

            var outcome = answer.Status is 400 or 413 or 415 or 422 ? RowOutcome.Rejected : RowOutcome.Failed;
            if (answer.IsTransient) reason += $" (after {attempt} attempts)";
            return (new RowResult(row.Line, outcome, null, answer.Status, reason), false);
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _retries);
        await Task.Delay(delay, time, cancellationToken);
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1)));

    private static string Tally(int[] counts) =>
        $"{counts[(int)RowOutcome.Imported]} imported, {counts[(int)RowOutcome.Duplicate]} duplicate, {counts[(int)RowOutcome.Rejected]} rejected, " +
            $"{counts[(int)RowOutcome.Failed]} failed" +
        (counts[(int)RowOutcome.Refused] > 0 ? $", {counts[(int)RowOutcome.Refused]} refused" : "");
}
