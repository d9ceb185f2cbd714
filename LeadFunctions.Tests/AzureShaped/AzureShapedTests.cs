using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeadFunctions.Tests.Deployment;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// The published package run the way Azure runs it (<see cref="AzureShapedRun"/>): settings from the compiled
/// infra/main.bicep, identity from a managed-identity endpoint, storage by bearer token only, telemetry to an
/// Application Insights that refuses anything but an Entra ID token. One lead delivered and one poisoned
/// (<see cref="AzureShapedScenario"/>), then each test reads what the stand-ins saw.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(FunctionAppPackageCollection.Name)]
public sealed partial class AzureShapedTests(FunctionAppPackage package, AzureShapedScenarioHolder holder) : IClassFixture<AzureShapedScenarioHolder>
{
    private const string StorageAudience = "https://storage.azure.com";

    /// <summary>What the app cannot run in Azure without, and the Bicep must therefore give it.</summary>
    private static readonly string[] NeededInAzure =
    [
        "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
        "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "LeadQueueName", "Destinations__Default",
    ];

    [Fact]
    public async Task Settings_come_from_the_compiled_Bicep_every_one_is_read_and_none_is_a_key_or_a_connection_string()
    {
        var run = (await holder.GetAsync(package)).Run;
        var read = SettingsTheAppReads();

        Assert.Empty(NeededInAzure.Where(n => !run.BicepSettings.ContainsKey(n)).Select(n => $"infra/main.bicep does not give {n}, which the app needs"));
        Assert.Empty(run.BicepSettings.Keys.Where(n => !read.Any(r => r.IsMatch(n)) && !AzureShapedRun.ReadByThePlatform.ContainsKey(n))
            .Select(n => $"infra/main.bicep gives {n}, which neither the app (docs/settings.md) nor the platform reads"));

        // The values the template holds literally arrive as they are; what Azure computes is the stand-ins'.
        Assert.Equal("managedidentity", run.AppSettings["AzureWebJobsStorage__credential"]);
        Assert.Equal(run.AppClientId, run.AppSettings["AzureWebJobsStorage__clientId"]);
        Assert.Equal($"ClientId={run.AppClientId};Authorization=AAD", run.AppSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Equal(run.Ingestion.ConnectionString, run.AppSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.Equal("leads", run.AppSettings["LeadQueueName"]);

        // No storage connection string, key or SAS; the Application Insights connection string names the resource only.
        Assert.DoesNotContain("AzureWebJobsStorage", run.Environment.Keys);
        Assert.Empty(run.Environment.Where(s => Regex.IsMatch(s.Value, "AccountKey=|SharedAccessSignature=|[?&]sig=", RegexOptions.IgnoreCase)).Select(s => s.Key));
    }

    [Fact]
    public async Task The_app_gets_tokens_from_the_managed_identity_endpoint_for_its_own_client_id_only()
    {
        var scenario = await holder.GetAsync(package);
        var run = scenario.Run;
        var requests = run.Identity.Requests.ToList();

        Assert.Contains(requests, r => r.ClientId == run.AppClientId && r.Resource?.TrimEnd('/') == StorageAudience && r.Status == 200);
        Assert.Contains(requests, r => r.ClientId == run.AppClientId && r.Resource?.TrimEnd('/') == IngestionEndpoint.Audience && r.Status == 200);
        Assert.Contains(requests, r => r.ClientId == run.AppClientId && r.Resource?.TrimEnd('/') == scenario.Dataverse.Url.ToString().TrimEnd('/') && r.Status == 200);
        Assert.All(requests, r => Assert.True(r.ClientId == run.AppClientId && r.Status == 200, $"token request {r}: every one should be for the app's identity, and granted"));
    }

    [Fact]
    public async Task Intake_delivery_the_journal_poison_and_the_gauges_use_bearer_tokens_and_a_shared_key_is_refused()
    {
        var scenario = await holder.GetAsync(package);
        var run = scenario.Run;
        var requests = scenario.StorageRequests.Select(l => (Line: l, Headers: Headers(l))).ToList();
        var byApp = requests.Where(r => ClientIdOf(run, r.Headers) == run.AppClientId).ToList();

        Assert.All(requests, r => Assert.True(r.Headers?["authorization"]?.GetValue<string>().StartsWith("Bearer ", StringComparison.Ordinal) == true,
            $"a request without a bearer token reached storage: {r.Line}"));
        Assert.True(requests.Count > 10 && byApp.Count > 5, $"{requests.Count} requests, {byApp.Count} by the app: the debug log is not read right");

        // What the app did, each by token: enqueue (intake), receive and delete (delivery), insert (table, journal),
        // send to the poison queue, and peek both queues (the gauges).
        Assert.Contains(byApp, r => Regex.IsMatch(r.Line, @"RequestMethod=POST RequestURL=\S*/leads/messages"));
        Assert.Contains(byApp, r => Regex.IsMatch(r.Line, @"RequestMethod=DELETE RequestURL=\S*/leads/messages/"));
        Assert.Contains(byApp, r => Regex.IsMatch(r.Line, @"RequestMethod=POST RequestURL=\S*/leads-poison/messages"));
        Assert.Contains(byApp, r => Regex.IsMatch(r.Line, @"RequestURL=\S*/MarketplaceLeads"));
        Assert.Contains(byApp, r => Regex.IsMatch(r.Line, @"RequestURL=\S*/LeadDeliveries"));
        Assert.Contains(byApp, r => Regex.IsMatch(r.Line, @"RequestURL=\S*/leads/messages\?peekonly=true"));
        Assert.Contains(byApp, r => Regex.IsMatch(r.Line, @"RequestURL=\S*/CrmFleet")); // the fleet table: Dataverse's limits shared by token too
        Assert.True(scenario.Dataverse.WithToken > 0, $"Dataverse got no request with the app's token: {scenario.Dataverse.Summary}");

        // Azure answers 403 KeyBasedAuthenticationNotPermitted; Azurite 400 (InvalidAuthenticationInfo) or 403. The same
        // table read with the operator's token succeeded in the scenario, so only the credential differs.
        Assert.All(scenario.SharedKey, r => Assert.True(r.Status is 400 or 403, $"a {r.Service} request signed with a shared key got {r.Status} {r.Error}, not refused"));
        Assert.Equal(["queue", "table"], scenario.SharedKey.Select(r => r.Service));
    }

    [Fact]
    public async Task Application_Insights_with_local_auth_off_accepts_every_metric_the_alerts_use_plus_spans_and_logs_and_no_personal_data()
    {
        var scenario = await holder.GetAsync(package);
        var ingestion = scenario.Run.Ingestion;
        var accepted = ingestion.Accepted.ToList();
        var why = $"accepted {accepted.Count} items, refused {ingestion.Refused} batches ({string.Join("; ", ingestion.Refusals.Distinct())})";

        Assert.True(ingestion.Refused == 0, why);
        Assert.All(accepted, item => Assert.Equal(scenario.Run.AppClientId, item.ClientId));
        foreach (var (metric, dimensions) in AlertMetrics())
        {
            var points = ingestion.Metrics(metric).ToList();
            Assert.True(points.Count > 0, $"Application Insights received no {metric}, which an alert in infra/app/alerts.json uses; {why}; metrics received: "
                + string.Join(", ", accepted.Select(i => i.MetricName).OfType<string>().Distinct().Order()));
            foreach (var dimension in dimensions)
            {
                Assert.True(points.Any(p => p.Properties.ContainsKey(dimension)), $"{metric} arrived without the dimension {dimension} that its alert uses: "
                    + string.Join(" | ", points.Select(p => string.Join(",", p.Properties.Keys)).Distinct()));
            }
        }

        Assert.Contains(accepted, i => i.BaseType == "RequestData");
        Assert.Contains(accepted, i => i.BaseType == "RemoteDependencyData");
        Assert.Contains(accepted, i => i.BaseType == "MessageData" && i.Properties.GetValueOrDefault("LeadId") == scenario.LeadId);

        var everything = string.Join("\n", accepted.Select(i => i.Item.ToJsonString()));
        foreach (var personal in new[] { "someone@contoso.com", "16175555555", "Esquire", "Power Automate", "Marmaduke" })
        {
            Assert.DoesNotContain(personal, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The metrics the alerts in infra/app/alerts.json watch, each with the dimensions it filters or splits on.</summary>
    private static IEnumerable<(string Metric, string[] Dimensions)> AlertMetrics()
    {
        using var alerts = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "app", "alerts.json")));
        foreach (var rule in alerts.RootElement.GetProperty("metricAlerts").EnumerateArray())
        {
            var dimensions = rule.TryGetProperty("dimensions", out var d) ? d.EnumerateArray().Select(x => x.GetProperty("name").GetString()!).ToArray() : [];
            yield return (rule.GetProperty("metric").GetString()!, dimensions);
        }

        foreach (var rule in alerts.RootElement.GetProperty("logAlerts").EnumerateArray())
        {
            foreach (Match m in CustomMetricName().Matches(rule.GetProperty("query").GetString()!)) yield return (m.Groups["name"].Value, []);
        }
    }

    /// <summary>The settings docs/settings.md names (which a docs test keeps equal to what the code reads), as patterns.</summary>
    private static List<Regex> SettingsTheAppReads() =>
        File.ReadLines(Path.Combine(RepoPaths.Root, "docs", "settings.md"))
            .Select(l => SettingsRow().Match(l))
            .Where(m => m.Success)
            .Select(m => new Regex("^" + Regex.Replace(Regex.Escape(m.Groups["name"].Value), @"<[^>]+>", "[^_]+") + "$", RegexOptions.IgnoreCase))
            .ToList();

    private static JsonObject? Headers(string line)
    {
        var start = line.IndexOf("RequestHeaders:", StringComparison.Ordinal) + "RequestHeaders:".Length;
        var end = line.IndexOf(" ClientIP=", start, StringComparison.Ordinal);
        return end < 0 ? null : JsonNode.Parse(line[start..end]) as JsonObject;
    }

    private static string? ClientIdOf(AzureShapedRun run, JsonObject? headers)
    {
        var authorization = headers?["authorization"]?.GetValue<string>();
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return null;
        return (string?)run.Tokens.Validate(authorization["Bearer ".Length..])?["appid"];
    }

    [GeneratedRegex(@"name == \\?""(?<name>[a-z._]+)\\?""")]
    private static partial Regex CustomMetricName();

    [GeneratedRegex(@"^\| `(?<name>[A-Za-z_<>]+)` \|")]
    private static partial Regex SettingsRow();
}
