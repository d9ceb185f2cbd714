namespace LeadFunctions.Destinations;

/// <summary>Creates each record exactly once, keyed by the lead id, and classifies failures instead of throwing.</summary>
public interface ILeadDestination
{
    string Name { get; }

    Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Whether the destination is reachable and lets us in, for the health endpoint. Never throws.</summary>
    Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken);
}
