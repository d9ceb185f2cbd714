using LeadFunctions.Leads;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations;
using LeadFunctions.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using OpenTelemetry.Metrics;

namespace LeadFunctions.Tests.Deployment;

/// <summary>
/// The alerts and the workbook in infra/ name only what the app really emits, as the package tests check routes: a
/// metric renamed or a dimension dropped in the code would otherwise leave an alert that never fires and a chart that
/// stays empty, and only in Azure. The names the app emits are collected by running it (standalone, Azurite) through
/// every path an alert or chart watches; no KQL engine runs here, so log queries are only checked for the metric
/// names and properties they use, and docs/operate.md must list each one as unverified.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed partial class MonitoringTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const string Namespace = "azure.applicationinsights";
    private const string Placeholder = "__APPLICATION_INSIGHTS_ID__";

    /// <summary>A workbook metric's aggregations: sum, minimum, maximum, average, count.</summary>
    private static readonly int[] Aggregations = [1, 2, 3, 4, 7];

    private static readonly Dictionary<string, string?> FastQueue = new()
    {
        ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00",
        ["Delivery:FirstRetryDelay"] = "00:00:00.200",
        ["Delivery:MaxRetryDelay"] = "00:00:00.400",
        ["Standalone:GaugeInterval"] = "00:00:00.100",
    };

    private static JsonElement Alerts => Json(Infra("app", "alerts.json"));

    private static JsonElement Workbook => Json(Infra("app", "pipeline.workbook.json"));

    [Fact]
    public async Task Every_metric_dimension_and_log_property_the_alerts_and_the_workbook_use_is_one_the_app_emits()
    {
        var (points, logProperties) = await EmittedAsync();
        var emitted = points.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.SelectMany(p => p.Tags).ToLookup(t => t.Key, t => t.Value));

        var used = UsedMetrics().ToList();
        Assert.True(used.Count >= 10, $"only {used.Count} metric uses were found in infra/: the parsing is broken");
        foreach (var (where, metric, dimension, values) in used)
        {
            Assert.True(emitted.ContainsKey(metric), $"{where} uses metric {metric}, which the app does not emit. It emits: {string.Join(", ", emitted.Keys.Order())}");
            if (dimension is null) continue;
            Assert.True(emitted[metric].Contains(dimension), $"{where} uses dimension {dimension} of {metric}, which the app does not emit. It emits: {string.Join(", ", emitted[metric].Select(g => g.Key))}");
            var concrete = values.Where(v => v != "*").ToList();
            if (concrete.Count > 0)
            {
                Assert.True(concrete.Intersect(emitted[metric][dimension]).Any(),
                    $"{where} filters {metric} on {dimension} in [{string.Join(", ", concrete)}]; the app emits values like [{string.Join(", ", emitted[metric][dimension].Distinct())}]");
            }
        }

        foreach (var (where, query) in Queries())
        {
            foreach (var property in LogProperties(query))
            {
                Assert.True(logProperties.Contains(property), $"{where} reads customDimensions.{property} from the app's logs, which no log line carries");
            }
        }
    }

    [Fact]
    public void Workbook_is_a_well_formed_workbook_with_the_pipeline_charts_over_a_chosen_time_range()
    {
        var workbook = Workbook;
        Assert.Equal("Notebook/1.0", workbook.GetProperty("version").GetString());
        var items = workbook.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("name").GetString()).Distinct().Count());
        var timeRange = items.Single(i => i.GetProperty("type").GetInt32() == 9).GetProperty("content").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "TimeRange");
        Assert.Equal(4, timeRange.GetProperty("type").GetInt32());

        foreach (var item in items)
        {
            var name = item.GetProperty("name").GetString();
            var content = item.GetProperty("content");
            switch (item.GetProperty("type").GetInt32())
            {
                case 1 or 9:
                    break;
                case 10:
                    Assert.Equal("MetricsItem/2.0", content.GetProperty("version").GetString());
                    Assert.Equal("microsoft.insights/components", content.GetProperty("resourceType").GetString());
                    Assert.Equal([Placeholder], content.GetProperty("resourceIds").EnumerateArray().Select(r => r.GetString()));
                    Assert.Equal("TimeRange", content.GetProperty("timeContextFromParameter").GetString());
                    Assert.All(content.GetProperty("metrics").EnumerateArray(), metric =>
                    {
                        Assert.Equal(Namespace, metric.GetProperty("namespace").GetString());
                        Assert.StartsWith($"{Namespace}--", metric.GetProperty("metric").GetString(), StringComparison.Ordinal);
                        Assert.Contains(metric.GetProperty("aggregation").GetInt32(), Aggregations);
                    });
                    break;
                case 3:
                    Assert.Equal("KqlItem/1.0", content.GetProperty("version").GetString());
                    Assert.Equal([Placeholder], content.GetProperty("crossComponentResources").EnumerateArray().Select(r => r.GetString()));
                    Assert.Equal("TimeRange", content.GetProperty("timeContextFromParameter").GetString());
                    Assert.False(string.IsNullOrWhiteSpace(content.GetProperty("query").GetString()));
                    break;
                default:
                    Assert.Fail($"workbook item {name} has a type this test does not know");
                    break;
            }
        }

        // What the dashboard must show: leads per day by offer, source and action; accepted against rejected by reason;
        // latency p50/p95; retries; poison by reason and by destination; test leads apart; the gauges.
        Assert.Equal(("leads.accepted", "offer", "P1D"), Chart(items, "leads-per-day-by-offer"));
        Assert.Equal(("leads.accepted", "source", "P1D"), Chart(items, "leads-per-day-by-source"));
        Assert.Equal(("leads.accepted", "action", "P1D"), Chart(items, "leads-per-day-by-action"));
        Assert.Equal(("leads.accepted", "test_lead", "P1D"), Chart(items, "test-leads-apart"));
        Assert.Equal(["leads.accepted", "leads.rejected reason"], Metrics(items, "accepted-and-rejected"));
        Assert.Equal(("leads.retried", "destination", null), Chart(items, "retries-by-destination"));
        Assert.Equal(("leads.poisoned", "code", null), Chart(items, "poison-by-reason"));
        Assert.Equal(("leads.poisoned", "destination", null), Chart(items, "poison-by-destination"));
        Assert.Equal(["leads.queue.depth", "leads.queue.oldest_age", "leads.poison.depth"], Metrics(items, "queue-gauges"));
        Assert.Equal(("leads.destination.health", "destination", null), Chart(items, "destination-health"));
        var percentiles = Item(items, "delivery-latency-percentiles").GetProperty("query").GetString()!;
        Assert.Contains("percentile(todouble(customDimensions.LatencySeconds), 50)", percentiles, StringComparison.Ordinal);
        Assert.Contains("percentile(todouble(customDimensions.LatencySeconds), 95)", percentiles, StringComparison.Ordinal);

        var bicep = File.ReadAllText(Infra("app", "workbook.bicep"));
        Assert.Contains($"replace(loadTextContent('./pipeline.workbook.json'), '{Placeholder}', applicationInsights.id)", bicep, StringComparison.Ordinal);
        Assert.Contains("module workbook './app/workbook.bicep'", File.ReadAllText(Infra("main.bicep")), StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_cover_poison_a_lead_waiting_an_hour_endpoint_5xx_and_an_unhealthy_destination_and_each_says_what_to_run()
    {
        var metricAlerts = Alerts.GetProperty("metricAlerts").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal(("leads.poisoned", "Total", "GreaterThan", 0, "PT15M"), Rule(metricAlerts["lead-poisoned"]));
        Assert.Equal(("leads.queue.oldest_age", "Maximum", "GreaterThan", 3600, "PT15M"), Rule(metricAlerts["lead-waiting"]));
        Assert.Equal(("http.server.request.duration", "Count", "GreaterThan", 0, "PT5M"), Rule(metricAlerts["endpoint-5xx"]));
        Assert.Equal(("leads.destination.health", "Maximum", "LessThan", 1, "PT15M"), Rule(metricAlerts["destination-unhealthy"]));

        var rules = Alerts.GetProperty("metricAlerts").EnumerateArray().Concat(Alerts.GetProperty("logAlerts").EnumerateArray()).ToList();
        var operate = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "operate.md"));
        Assert.All(rules, rule =>
        {
            var description = rule.GetProperty("description").GetString()!;
            Assert.Matches("`leadfunctions [a-z-]+", description);
            Assert.Contains("docs/operate.md", description, StringComparison.Ordinal);
            Assert.Contains($"`{rule.GetProperty("name").GetString()}`", operate, StringComparison.Ordinal);
        });

        // Every log query is listed in docs/operate.md as not verified here.
        foreach (var (where, query) in Queries()) Assert.True(operate.Contains(query, StringComparison.Ordinal), $"docs/operate.md does not list the query of {where}:\n{query}");

        // ALERT_EMAIL (azd) becomes alertEmail, and the action group exists only with an address.
        Assert.Contains("\"value\": \"${ALERT_EMAIL=}\"", File.ReadAllText(Infra("main.parameters.json")), StringComparison.Ordinal);
        Assert.Contains("alertEmail: alertEmail", File.ReadAllText(Infra("main.bicep")), StringComparison.Ordinal);
        var alerts = File.ReadAllText(Infra("app", "alerts.bicep"));
        Assert.Contains("resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail))", alerts, StringComparison.Ordinal);
        Assert.Contains("loadJsonContent('./alerts.json')", alerts, StringComparison.Ordinal);
        Assert.Contains($"metricNamespace: '{Namespace}'", alerts, StringComparison.Ordinal);
        Assert.Contains("CustomMetricsOptedInType: 'WithDimensions'", File.ReadAllText(Infra("app", "monitoring.bicep")), StringComparison.Ordinal);
    }

    /// <summary>Runs the app through every path the alerts and charts watch, and returns what it emitted.</summary>
    private async Task<(IReadOnlyList<MetricPointView> Points, HashSet<string> LogProperties)> EmittedAsync()
    {
        var telemetry = new CapturedTelemetry();

        // Accepted, rejected and delivered to the table, with the gauges recorded.
        await using (var app = await TestApp.StartAsync(azurite, FastQueue, telemetry.Register))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(TestLeads.ContactMe(1).ToJsonString())).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await app.PostLeadAsync("[]")).StatusCode);
            Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1));
            // The row is written before the delivery is counted: wait for the count and its latency too, then for the gauges.
            Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Flush(app, telemetry) is var points
                && points.Any(p => p.Name == "leads.delivery.latency") && points.Any(p => p.Name == "leads.destination.health"))));
        }

        // Retried, then poisoned by a destination that first fails transiently, then for good.
        var destination = new Mock<ILeadDestination>();
        destination.Setup(d => d.Name).Returns("Fake");
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((LeadDelivery delivery, CancellationToken _) => delivery.Attempt == 1
                ? new DeliveryOutcome.RetryLater(new DeliveryFailure("Fake", 503, null, "Service unavailable"))
                : new DeliveryOutcome.CannotDeliver(new DeliveryFailure("Fake", 400, "INVALID_FIELD", "rejected")));
        await using (var app = await TestApp.StartAsync(azurite, FastQueue, services =>
        {
            services.AddSingleton(destination.Object);
            telemetry.Register(services);
        }))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(TestLeads.ContactMe(2).ToJsonString())).StatusCode);
            Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == 1));
            Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Flush(app, telemetry).Any(p => p.Name == "leads.poisoned"))),
                "the poisoning is counted (right after the message is in the poison queue)");
        }

        // The endpoint answering 503: storage is down.
        var port = FreePort.Next();
        await using (var app = await TestApp.StartAsync(null, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" }, telemetry.Register,
                         Azurite.ConnectionStringFor(port, port, port)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.PostLeadAsync(TestLeads.ContactMe(3).ToJsonString())).StatusCode);
            Flush(app, telemetry);
        }

        var logProperties = telemetry.Logs.Entries.SelectMany(e => LogPropertyPattern().Matches(e.Details).Select(m => m.Groups[1].Value)).ToHashSet();
        return (telemetry.MetricPoints(), logProperties);
    }

    private static IReadOnlyList<MetricPointView> Flush(TestApp app, CapturedTelemetry telemetry)
    {
        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return telemetry.MetricPoints();
    }

    /// <summary>Every (metric, dimension, values) that an alert rule or a workbook item uses; dimension null for the metric alone.</summary>
    private static IEnumerable<(string Where, string Metric, string? Dimension, IReadOnlyList<string> Values)> UsedMetrics()
    {
        foreach (var rule in Alerts.GetProperty("metricAlerts").EnumerateArray())
        {
            var where = $"alert {rule.GetProperty("name").GetString()}";
            var metric = rule.GetProperty("metric").GetString()!;
            yield return (where, metric, null, []);
            if (!rule.TryGetProperty("dimensions", out var dimensions)) continue;
            foreach (var dimension in dimensions.EnumerateArray())
            {
                yield return (where, metric, dimension.GetProperty("name").GetString(), dimension.GetProperty("values").EnumerateArray().Select(v => v.GetString()!).ToList());
            }
        }

        foreach (var item in Workbook.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("type").GetInt32() == 10))
        {
            var where = $"workbook item {item.GetProperty("name").GetString()}";
            foreach (var metric in item.GetProperty("content").GetProperty("metrics").EnumerateArray())
            {
                var name = metric.GetProperty("metric").GetString()![$"{Namespace}--".Length..];
                yield return (where, name, null, []);
                if (metric.TryGetProperty("splitBy", out var split) && split.ValueKind == JsonValueKind.Array)
                {
                    foreach (var dimension in split.EnumerateArray()) yield return (where, name, dimension.GetString(), []);
                }
            }
        }

        foreach (var (where, query) in Queries())
        {
            foreach (System.Text.RegularExpressions.Match match in MetricNamePattern().Matches(query)) yield return (where, match.Groups[1].Value, null, []);
        }
    }

    /// <summary>Every log query in infra/: the log alerts' and the workbook's.</summary>
    private static IEnumerable<(string Where, string Query)> Queries()
    {
        foreach (var rule in Alerts.GetProperty("logAlerts").EnumerateArray())
        {
            yield return ($"alert {rule.GetProperty("name").GetString()}", rule.GetProperty("query").GetString()!);
        }

        foreach (var item in Workbook.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("type").GetInt32() == 3))
        {
            yield return ($"workbook item {item.GetProperty("name").GetString()}", item.GetProperty("content").GetProperty("query").GetString()!);
        }
    }

    /// <summary>The log properties a query over the traces table reads (customDimensions.X).</summary>
    private static IEnumerable<string> LogProperties(string query) =>
        query.TrimStart().StartsWith("traces", StringComparison.Ordinal)
            ? CustomDimensionPattern().Matches(query).Select(m => m.Groups[1].Value).Distinct()
            : [];

    private static (string Metric, string? Split, string? Grain) Chart(List<JsonElement> items, string name)
    {
        var content = Item(items, name);
        var metric = Assert.Single(content.GetProperty("metrics").EnumerateArray());
        return (metric.GetProperty("metric").GetString()![$"{Namespace}--".Length..],
            metric.TryGetProperty("splitBy", out var split) ? split[0].GetString() : null,
            content.TryGetProperty("timeGrain", out var grain) ? grain.GetString() : null);
    }

    private static List<string> Metrics(List<JsonElement> items, string name) =>
        Item(items, name).GetProperty("metrics").EnumerateArray()
            .Select(m => m.GetProperty("metric").GetString()![$"{Namespace}--".Length..] + (m.TryGetProperty("splitBy", out var split) ? $" {split[0].GetString()}" : ""))
            .ToList();

    private static JsonElement Item(List<JsonElement> items, string name) =>
        items.Single(i => i.GetProperty("name").GetString() == name).GetProperty("content");

    private static (string, string, string, int, string) Rule(JsonElement rule) => (
        rule.GetProperty("metric").GetString()!, rule.GetProperty("aggregation").GetString()!, rule.GetProperty("operator").GetString()!,
        rule.GetProperty("threshold").GetInt32(), rule.GetProperty("windowSize").GetString()!);

    private static string Infra(params string[] path) => Path.Combine([RepoPaths.Root, "infra", .. path]);

    private static JsonElement Json(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    [GeneratedRegex("""\bname\s*==\s*["']([^"']+)["']""")]
    private static partial Regex MetricNamePattern();

    [GeneratedRegex("""customDimensions(?:\.|\[["'])(\w+)""")]
    private static partial Regex CustomDimensionPattern();

    [GeneratedRegex(@"\| (\w+)=")]
    private static partial Regex LogPropertyPattern();
}
