using System.Text.Json.Serialization;
using LeadFunctions.Storage;

namespace LeadFunctions.Hosting;

/// <summary>The pipeline gauges at one moment, as recorded and as <c>leadfunctions status --json</c> prints them; null: unreadable.</summary>
public sealed record GaugeValues(
    [property: JsonPropertyName(PipelineGauges.QueueDepth)] int? QueueDepth,
    [property: JsonPropertyName(PipelineGauges.OldestAge)] double? OldestAgeSeconds,
    [property: JsonPropertyName(PipelineGauges.PoisonDepth)] int? PoisonDepth,
    [property: JsonPropertyName(PipelineGauges.DestinationHealth)] IReadOnlyDictionary<string, int>? DestinationHealth)
{
    public static GaugeValues Of(QueueState? queue, QueueState? poison, IReadOnlyDictionary<string, HealthStatus>? destinations) => new(
        queue?.Messages,
        queue is null ? null : queue.OldestAgeSeconds ?? 0,
        poison?.Messages,
        destinations?.ToDictionary(d => d.Key, d => Health(d.Value), StringComparer.OrdinalIgnoreCase));

    /// <summary>A destination's health as a number: 2 healthy, 1 degraded (e.g. waiting out a CRM's rate limit), 0 unhealthy.</summary>
    public static int Health(HealthStatus status) => (int)status;
}
