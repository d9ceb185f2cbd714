using LeadFunctions.Leads;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeadFunctions.Destinations;

/// <summary>
/// A CRM or store that receives leads. Implementations create the record exactly once, keyed by the lead id
/// (docs/design.md, "Exactly once"), and classify every failure as retry-later or cannot-deliver instead of throwing.
/// </summary>
public interface ILeadDestination
{
    /// <summary>The name used in settings (<c>Destinations__Default</c>), logs and failure reasons.</summary>
    string Name { get; }

    Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Whether the destination is reachable and lets us in, for the health endpoint. Never throws.</summary>
    Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken);
}

/// <summary>One lead to deliver, with the identity and time that make the record key and its creation time.</summary>
public sealed record LeadDelivery(string LeadId, Lead Lead, DateTimeOffset ReceivedAt, int Attempt);
