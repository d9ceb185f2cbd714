using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadFunctions.Cli.Intake;
using LeadFunctions.Cli.Output;
using LeadFunctions.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeadFunctions.Cli.Status;

/// <summary>
/// Each destination's health as the app sees it, from <c>GET /api/health/details?code=KEY</c>: the app's cached probe
/// (at most one per <c>Health__ProbeInterval</c>), so <c>status</c> never adds a call to a CRM. The URL holds a key and
/// is never printed whole.
/// </summary>
internal static class DestinationHealth
{
    public static async Task<IReadOnlyDictionary<string, HealthStatus>> ReadAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.GetAsync(url, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            throw new CommandException(ExitCodes.Usage,
                $"{IntakeClient.Redact(url)} answered {(int)response.StatusCode}: --health must be the app's /api/health/details URL with a key " +
                    "(?code=...).");
        }

        // 200 and 503 (a check is unhealthy) both carry the answer.
        try
        {
            var answer = await response.Content.ReadFromJsonAsync(CliJson.Output.HealthAnswer, cancellationToken);
            // Names as printed: cleaned and bounded; two that clean to one name are one, the worse status kept.
            return (answer?.Destinations ?? [])
                .GroupBy(d => LogText.Of(d.Key)!, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Min(d => Enum.TryParse<HealthStatus>(d.Value, out var status) ? status : HealthStatus.Unhealthy),
                    StringComparer.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            throw new CommandException($"{IntakeClient.Redact(url)} answered {(int)response.StatusCode} without the health answer: is it the app's " +
                "/api/health/details?");
        }
    }
}
