namespace LeadFunctions.Destinations;

/// <summary>Anything leads go to: creates each record exactly once, keyed by the lead id (docs/design.md, "Exactly once"),
/// and classifies every failure instead of throwing.</summary>
public interface ILeadDestination
{
    string Name { get; }

    Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Whether the destination is reachable and lets us in, for the health endpoint. Never throws.</summary>
    Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken);
}
