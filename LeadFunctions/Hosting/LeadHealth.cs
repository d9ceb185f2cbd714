using Microsoft.AspNetCore.Http.HttpResults;

namespace LeadFunctions.Hosting;

/// <summary>Up or down for strangers, more with the key (docs/design.md, "D4. Health says little to strangers").</summary>
public sealed partial class LeadHealth(HealthCheckService checks, ILogger<LeadHealth> logger)
{
    /// <summary>The routes below the host's route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string Route = "health";

    /// <inheritdoc cref="Route"/>
    public const string DetailsRoute = "health/details";

    private readonly Dictionary<string, HealthStatus> _lastSeen = [];

    public async Task<JsonHttpResult<HealthSummary>> SummaryAsync(CancellationToken cancellationToken)
    {
        var report = await CheckAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(new HealthSummary(report.Status.ToString()), HttpJsonContext.Default.HealthSummary, statusCode: StatusCode(report));
    }

    public async Task<JsonHttpResult<HealthAnswer>> DetailsAsync(CancellationToken cancellationToken)
    {
        var report = await CheckAsync(cancellationToken).ConfigureAwait(false);
        var destinations = report.Entries.TryGetValue(HealthChecks.Destination, out var destination)
            ? destination.Data.ToDictionary(d => d.Key, d => d.Value.ToString() ?? "")
            : [];
        var answer = new HealthAnswer(report.Status.ToString(), report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
            destinations);
        return TypedResults.Json(answer, HttpJsonContext.Default.HealthAnswer, statusCode: StatusCode(report));
    }

    private async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, entry) in report.Entries)
        {
            HealthStatus previous;
            lock (_lastSeen)
            {
                previous = _lastSeen.GetValueOrDefault(name, HealthStatus.Healthy);
                _lastSeen[name] = entry.Status;
            }

            if (entry.Status == previous) continue;
            if (entry.Status == HealthStatus.Healthy) LogRecovered(logger, name, previous);
            else LogUnhealthy(logger, name, entry.Status, LogText(entry.Description));
        }

        return report;
    }

    private static int StatusCode(HealthReport report) =>
        report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;

    private static string? LogText(string? description) => Telemetry.LogText.Of(description, Telemetry.LogText.ReasonLength);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} is now {Status}: {Description}")]
    private static partial void LogUnhealthy(ILogger logger, string check, HealthStatus status, string? description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is Healthy again (was {Previous})")]
    private static partial void LogRecovered(ILogger logger, string check, HealthStatus previous);
}
