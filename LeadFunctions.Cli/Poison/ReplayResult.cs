using Azure.Storage.Queues;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli.Poison;

internal sealed record ReplayResult(PoisonMessage Message, ReplayOutcome Outcome, string? Detail);
