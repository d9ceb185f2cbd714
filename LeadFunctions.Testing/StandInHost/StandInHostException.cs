namespace LeadFunctions.Testing.StandInHost;

/// <summary>
/// The worker failed, crashed, disconnected or did not answer in time. The message
/// names the step that was waiting and carries the tail of the worker's output.
/// </summary>
public sealed class StandInHostException : Exception
{
    public StandInHostException()
    {
    }

    public StandInHostException(string message)
        : base(message)
    {
    }

    public StandInHostException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What the stand-in was waiting for, e.g. "WorkerInitResponse".</summary>
    public string? Step { get; init; }

    /// <summary>Why the wait ended, e.g. "the worker process exited".</summary>
    public string? Reason { get; init; }

    /// <summary>The worker's exit code, when it had exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The last lines of the worker's stdout and stderr.</summary>
    public IReadOnlyList<string> OutputTail { get; init; } = [];
}
