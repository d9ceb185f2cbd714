using System.Diagnostics;
using System.Globalization;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>
/// Starts the published worker the way the Functions host does (DefaultWorkerProcessFactory
/// and RpcWorkerContext in Azure/azure-functions-host) and captures its console output.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    /// <summary>RpcWorkerConstants.DefaultMaxMessageLengthBytes in the host.</summary>
    public const int MaxMessageLength = int.MaxValue;

    private readonly Process _process;

    private WorkerProcess(Process process, Task<int> exited)
    {
        _process = process;
        Exited = exited;
    }

    public int Id => _process.Id;

    /// <summary>Completes with the exit code once the process ended and its output was read to the end.</summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public static WorkerProcess Start(
        string workerDirectory,
        WorkerConfigFile config,
        Uri grpcUri,
        string workerId,
        IReadOnlyDictionary<string, string?> environment,
        StandInHostOptions options,
        OutputTail tail)
    {
        var startInfo = new ProcessStartInfo(config.ResolveExecutable(workerDirectory, options.DotNetExecutable))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = workerDirectory,
        };

        foreach (string argument in config.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (config.ResolveWorkerPath(workerDirectory) is { } workerPath)
        {
            startInfo.ArgumentList.Add(workerPath);
        }

        foreach (string argument in config.WorkerArguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (string argument in HostArguments(grpcUri, workerId, Guid.NewGuid().ToString()))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => OnLine("stdout", e.Data);
        process.ErrorDataReceived += (_, e) => OnLine("stderr", e.Data);
        if (!process.Start())
        {
            process.Dispose();
            throw new StandInHostException($"Could not start '{startInfo.FileName}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        options.LogSink?.Invoke($"[stand-in] started pid {process.Id}: {startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}");
        return new WorkerProcess(process, WaitForExitAsync(process));

        void OnLine(string stream, string? line)
        {
            if (line is null)
            {
                return;
            }

            tail.Add($"[{stream}] {line}");
            options.LogSink?.Invoke($"[worker {stream}] {line}");
        }
    }

    /// <summary>
    /// The arguments the host appends (RpcWorkerContext.GetFormattedArguments): the old
    /// generic names and the "functions-" prefixed copies that workers should prefer.
    /// </summary>
    public static IEnumerable<string> HostArguments(Uri grpcUri, string workerId, string requestId)
    {
        string max = MaxMessageLength.ToString(CultureInfo.InvariantCulture);
        return
        [
            "--host", grpcUri.Host,
            "--port", grpcUri.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId,
            "--requestId", requestId,
            "--grpcMaxMessageLength", max,
            "--functions-uri", grpcUri.AbsoluteUri,
            "--functions-worker-id", workerId,
            "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", max,
        ];
    }

    /// <summary>Waits up to <paramref name="grace"/> for a voluntary exit, then kills the process tree.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!HasExited)
        {
            await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false);
        }

        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }

            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }
    }

    public void Dispose() => _process.Dispose();

    private static async Task<int> WaitForExitAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }
}
