using Azure.Storage.Queues;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli.Poison;

internal enum ReplayOutcome
{
    Replayed,

    /// <summary>On the lead queue, but its poison copy could not be deleted: replaying that copy later is harmless.</summary>
    ReplayedPoisonCopyKept,

    /// <summary>Not a lead envelope this version reads; replayed only when asked to replay such messages as they are.</summary>
    NotAnEnvelope,

    /// <summary>Could not be put back on the lead queue; left in the poison queue, the others replayed.</summary>
    Skipped,
}
