using LeadFunctions.Leads;

namespace LeadFunctions.Destinations;

/// <summary>Intake goes on, and each lead is poisoned with the reason, ready to replay once the setting is fixed.</summary>
public sealed class UnknownDestination(string target, IEnumerable<string> known, string? reason = null) : ILeadDestination
{
    private readonly string _reason =
        reason ?? $"Destinations__Default '{target}' is not a known destination; use one of: {string.Join(", ", known)}.";

    public string Name => target;

    public Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery, CancellationToken cancellationToken) =>
        Task.FromResult<DeliveryOutcome>(new DeliveryOutcome.CannotDeliver(new DeliveryFailure(target, null, "UnknownDestination", _reason)));

    public Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(HealthCheckResult.Unhealthy(_reason));
}
