using LeadFunctions.Telemetry;
using System.Diagnostics.Metrics;
using LeadFunctions.Destinations;
using LeadFunctions.Storage;

namespace LeadFunctions.Hosting;

/// <summary>Destination health is the cached probe: gauges never call a CRM (docs/operate.md, "Pipeline gauges").</summary>
public sealed partial class PipelineGauges
{
    public const string QueueDepth = "leads.queue.depth";

    public const string OldestAge = "leads.queue.oldest_age";

    public const string PoisonDepth = "leads.poison.depth";

    public const string DestinationHealth = "leads.destination.health";

    public const string DestinationTag = "destination";

    private readonly Gauge<int> _queueDepth;
    private readonly Gauge<double> _oldestAge;
    private readonly Gauge<int> _poisonDepth;
    private readonly Gauge<int> _destinationHealth;
    private readonly LeadStorage _storage;
    private readonly LeadDestinations _destinations;
    private readonly HealthCheckService _checks;
    private readonly TimeProvider _time;
    private readonly ILogger<PipelineGauges> _logger;

    public PipelineGauges(IMeterFactory meters, LeadStorage storage, LeadDestinations destinations, HealthCheckService checks, TimeProvider time,
        ILogger<PipelineGauges> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(LeadMetrics.MeterName);
        _queueDepth = meter.CreateGauge<int>(QueueDepth, "{message}", "Messages in the lead queue: waiting, being processed, or re-scheduled for a " +
            "later attempt.");
        _oldestAge = meter.CreateGauge<double>(OldestAge, "s", "How long the oldest waiting lead has waited for delivery; 0 when none is waiting.");
        _poisonDepth = meter.CreateGauge<int>(PoisonDepth, "{message}", "Messages in the poison queue: leads that could not be delivered.");
        _destinationHealth = meter.CreateGauge<int>(DestinationHealth, "1", "Each destination's health from the cached probe: 2 healthy, 1 " +
            "degraded, 0 unhealthy.");
        (_storage, _destinations, _checks, _time, _logger) = (storage, destinations, checks, time, logger);
    }

    /// <summary>A part that cannot be read (storage down) is left out, not guessed.</summary>
    public async Task<GaugeValues> RecordAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var queue = await ReadAsync(_storage.LeadQueueAsStored, now, cancellationToken).ConfigureAwait(false);
        var poison = await ReadAsync(_storage.PoisonQueueAsStored, now, cancellationToken).ConfigureAwait(false);
        var values = GaugeValues.Of(queue, poison, await DestinationsAsync(cancellationToken).ConfigureAwait(false));

        if (values.QueueDepth is { } depth) _queueDepth.Record(depth);
        if (values.OldestAgeSeconds is { } age) _oldestAge.Record(age);
        if (values.PoisonDepth is { } poisoned) _poisonDepth.Record(poisoned);
        foreach (var (destination, health) in values.DestinationHealth ?? new Dictionary<string, int>())
        {
            _destinationHealth.Record(health, new KeyValuePair<string, object?>(DestinationTag, destination));
        }

        return values;
    }

    private async Task<QueueState?> ReadAsync(Azure.Storage.Queues.QueueClient queue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await QueueState.ReadAsync(queue, _storage.MessagesAreBase64, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var cause = e is AggregateException { InnerExceptions.Count: > 0 } all ? all.InnerExceptions[^1] : e;
            LogQueueUnreadable(_logger, queue.Name, cause.GetType().Name, (cause as Azure.RequestFailedException)?.Status);
            return null;
        }
    }

    private async Task<Dictionary<string, HealthStatus>> DestinationsAsync(CancellationToken cancellationToken)
    {
        var report = await _checks.CheckHealthAsync(check => check.Name == HealthChecks.Destination, cancellationToken).ConfigureAwait(false);
        report.Entries.TryGetValue(HealthChecks.Destination, out var entry);
        var statuses = new Dictionary<string, HealthStatus>(StringComparer.OrdinalIgnoreCase);
        foreach (var destination in _destinations.Configured)
        {
            // A probe that failed as a whole names no destination: each is then as unhealthy as the check.
            statuses[destination.Name] = entry.Data?.TryGetValue(destination.Name, out var status) == true
                && Enum.TryParse<HealthStatus>(status?.ToString(), out var parsed)
                ? parsed
                : entry.Status;
        }

        return statuses;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline gauges: queue {Queue} could not be read ({ErrorType} {Status}); its gauges are " +
        "left out this time")]
    private static partial void LogQueueUnreadable(ILogger logger, string queue, string errorType, int? status);
}
