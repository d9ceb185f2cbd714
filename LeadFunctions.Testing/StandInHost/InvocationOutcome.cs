namespace LeadFunctions.Testing.StandInHost;

/// <summary>Status of an invocation as the worker reported it (StatusResult.Status).</summary>
public enum InvocationStatus
{
    Failure = 0,
    Success = 1,
    Cancelled = 2,
}

/// <summary>What the worker answered to one non-HTTP invocation.</summary>
/// <param name="Logs">The RpcLog messages the worker tagged with this invocation id.</param>
public sealed record InvocationOutcome(
    string InvocationId,
    InvocationStatus Status,
    string? ExceptionMessage,
    string? ExceptionType,
    IReadOnlyList<WorkerLogEntry> Logs);
