using LeadFunctions.Storage;

namespace LeadFunctions.Hosting;

internal sealed class StorageHealthCheck(LeadStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var exists = await storage.LeadQueue.ExistsAsync(cancellationToken).ConfigureAwait(false);
            return exists.Value ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded($"Queue {storage.LeadQueue.Name} does not exist yet.");
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or TimeoutException
            or Azure.Identity.AuthenticationFailedException)
        {
            return HealthCheckResult.Unhealthy($"Queue storage: {e.GetType().Name} {(e as Azure.RequestFailedException)?.Status}");
        }
    }
}
