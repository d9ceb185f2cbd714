using LeadFunctions.Destinations;
using LeadFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeadFunctions.Hosting;

/// <summary>
/// <c>GET /api/health</c>: whether storage (the lead queue) and the destinations are reachable. 200 when all are
/// (or are only degraded), 503 otherwise. The answer names each check and each destination with its status only — no
/// URLs, names or errors (those go to the log). Both modes answer with this one handler.
/// </summary>
public sealed partial class LeadHealth(HealthCheckService checks, ILogger<LeadHealth> logger)
{
    /// <summary>The route below the host's route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string Route = "health";

    public async Task<JsonHttpResult<HealthAnswer>> CheckAsync(CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy))
        {
            LogUnhealthy(logger, name, entry.Status, entry.Description);
        }

        var destinations = report.Entries.TryGetValue("destination", out var destination)
            ? destination.Data.ToDictionary(d => d.Key, d => d.Value.ToString() ?? "")
            : [];
        var answer = new HealthAnswer(report.Status.ToString(), report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()), destinations);
        var status = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return TypedResults.Json(answer, HttpJsonContext.Default.HealthAnswer, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} is {Status}: {Description}")]
    private static partial void LogUnhealthy(ILogger logger, string check, HealthStatus status, string? description);
}

/// <summary>The health answer: the overall status, each check's status, and each destination's status by name.</summary>
public sealed record HealthAnswer(string Status, Dictionary<string, string> Checks, Dictionary<string, string> Destinations);

public static class LeadHealthExtensions
{
    public static IServiceCollection AddLeadHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<DestinationHealthCheck>("destination");
        services.AddSingleton<LeadHealth>();
        return services;
    }
}

internal sealed class StorageHealthCheck(LeadStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var exists = await storage.LeadQueue.ExistsAsync(cancellationToken).ConfigureAwait(false);
            return exists.Value ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded($"Queue {storage.LeadQueue.Name} does not exist yet.");
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or TimeoutException or Azure.Identity.AuthenticationFailedException)
        {
            return HealthCheckResult.Unhealthy($"Queue storage: {e.GetType().Name} {(e as Azure.RequestFailedException)?.Status}");
        }
    }
}

internal sealed class DestinationHealthCheck(LeadDestinations destinations) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        destinations.CheckHealthAsync(cancellationToken);
}
