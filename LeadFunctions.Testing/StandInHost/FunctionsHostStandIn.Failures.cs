using System.Globalization;
using System.Text;
using LeadFunctions.Testing.StandInHost.Protocol;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>Waiting on the worker while watching its process, and the failure reports.</summary>
public sealed partial class FunctionsHostStandIn
{
    /// <summary>
    /// Runs <paramref name="operation"/> while watching the worker process: a crash, a closed
    /// stream or the timeout end the wait at once with a <see cref="StandInHostException"/>.
    /// </summary>
    private async Task<T> WaitAsync<T>(Func<CancellationToken, Task<T>> operation, string step, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        Task<int> exited = _process?.Exited ?? new TaskCompletionSource<int>().Task;
        try
        {
            Task<T> task = operation(cts.Token);
            if (await Task.WhenAny(task, exited).ConfigureAwait(false) == exited && !task.IsCompletedSuccessfully)
            {
                throw Failure(step, "the worker process exited", null);
            }

            return await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && cts.IsCancellationRequested)
        {
            throw Failure(step, $"no answer within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s", null);
        }
        catch (WorkerStreamClosedException ex)
        {
            // A crashing worker usually drops the stream a moment before the process is gone:
            // wait briefly so the message can carry the exit code and the complete output.
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            throw Failure(step, ex.Message.TrimEnd('.'), ex);
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
    }

    private void EnsureSuccess(StatusResult? result, string step)
    {
        if (result?.Status == StatusResult.Types.Status.Success)
        {
            return;
        }

        string detail = result?.Exception is { } ex
            ? $"{ex.Type} {ex.Message}{Environment.NewLine}{ex.StackTrace}".Trim()
            : result?.Result ?? "no status";
        throw Failure(step, $"the worker answered {result?.Status.ToString() ?? "nothing"}: {detail}", null);
    }

    private StandInHostException Failure(string step, string reason, Exception? inner)
    {
        int? exitCode = _process is { HasExited: true } p ? p.Exited.Result : null;
        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Stand-in host: waiting for {step} failed: {reason}.")
            .AppendLine()
            .Append(CultureInfo.InvariantCulture, $"Worker pid {_process?.Id.ToString(CultureInfo.InvariantCulture) ?? "-"}, ")
            .Append(exitCode is null ? "still running" : $"exited with code {exitCode}")
            .Append(CultureInfo.InvariantCulture, $", {_sinceStart.Elapsed.TotalSeconds:0.0} s after start, folder {WorkerDirectory}.")
            .AppendLine()
            .AppendLine("--- worker stdout/stderr (tail) ---")
            .AppendLine(_output.Format(TailLinesInMessages))
            .AppendLine(CultureInfo.InvariantCulture, $"--- last {LogsInMessages} RpcLog messages ---");
        IReadOnlyList<WorkerLogEntry> logs = Logs;
        message.Append(logs.Count == 0 ? "(none)" : string.Join(Environment.NewLine, logs.Skip(Math.Max(0, logs.Count - LogsInMessages))));
        return new StandInHostException(message.ToString(), inner)
        {
            Step = step,
            Reason = reason,
            ExitCode = exitCode,
            OutputTail = _output.Snapshot(),
        };
    }
}
