using System.Collections.Concurrent;
using LeadFunctions.Cli.Intake;
using LeadFunctions.Cli.Output;

namespace LeadFunctions.Cli.Import;

/// <summary>How an import sends: how many leads at once, how often to try one, how often to report progress.</summary>
internal sealed record ImportSettings(int Concurrency, int MaxAttempts, int ProgressEvery)
{
    /// <summary>The longest wait between two attempts, whatever Retry-After says.</summary>
    public TimeSpan MaxRetryWait { get; init; } = TimeSpan.FromMinutes(5);
}
