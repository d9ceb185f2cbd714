using LeadFunctions.Hosting;
using LeadFunctions.Storage;

namespace LeadFunctions.Cli.Status;

/// <param name="DeliveriesLastHour">Deliveries recorded by the journal in the hour before <paramref name="At"/>; null
/// when the journal is off.</param>
/// <param name="Gauges">The pipeline gauges, under the names the app records them as metrics.</param>
internal sealed record StatusReport(string Account, QueueState Queue, QueueState Poison, int? DeliveriesLastHour, string? JournalTable,
    DateTimeOffset At, GaugeValues Gauges);
