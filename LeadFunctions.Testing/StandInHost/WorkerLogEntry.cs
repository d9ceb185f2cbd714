namespace LeadFunctions.Testing.StandInHost;

/// <summary>One RpcLog message the worker sent over gRPC.</summary>
/// <param name="Level">Trace, Debug, Information, Warning, Error, Critical or None.</param>
/// <param name="Category">The logger category, e.g. "Function.ProcessLead.User".</param>
/// <param name="InvocationId">Set when the log was written during an invocation.</param>
/// <param name="IsSystem">True for the worker's own logs (RpcLogCategory.System).</param>
public sealed record WorkerLogEntry(
    DateTimeOffset Timestamp,
    string Level,
    string Category,
    string Message,
    string? InvocationId,
    string? Exception,
    bool IsSystem)
{
    public override string ToString() =>
        $"{Level} {Category}: {Message}{(Exception is null ? string.Empty : " | " + Exception)}";
}
