using System.Text.Json.Serialization;
using LeadFunctions.Storage;

namespace LeadFunctions.Hosting;

/// <summary>
/// The pipeline gauges' values at one moment, named as the metrics are: what <see cref="PipelineGauges"/> records and
/// what <c>leadfunctions status --json</c> prints under <c>gauges</c>. A null value is one that could not be read.
/// </summary>
/// <param name="OldestAgeSeconds">How long the oldest waiting lead has waited (<see cref="QueueState.OldestAgeSeconds"/>); 0 when none waits.</param>
/// <param name="DestinationHealth">Each destination's <see cref="Health"/>, by its <c>Destinations__Default</c> name.</param>
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
