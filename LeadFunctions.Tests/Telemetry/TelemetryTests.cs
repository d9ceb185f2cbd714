using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace LeadFunctions.Tests.Telemetry;

/// <summary>
/// Spans are captured from process-wide activity sources, so another test's requests would show up in this one's
/// capture: these tests run alone (<see cref="AloneCollection"/>).
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class TelemetryTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task One_trace_runs_from_the_HTTP_request_through_the_queue_message_to_the_delivery()
    {
        var telemetry = new CapturedTelemetry();
        await using var app = await TestApp.StartAsync(azurite, services: telemetry.Register);

        var response = await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"));
        var leadId = (await response.JsonAsync()).GetProperty("leadId").GetString();

        // Spans are collected process-wide, so other tests' apps may add theirs: follow this lead's trace only.
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(telemetry.Spans.Any(s => s.DisplayName == "ProcessLead" && Equals(s.GetTagItem("lead.id"), leadId)))));
        var request = Assert.Single(telemetry.Spans, s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("lead.id"), leadId));
        var spans = telemetry.Spans.Where(s => s.TraceId == request.TraceId).ToList();
        Assert.Equal("/api/leads", request.GetTagItem("url.path"));
        var enqueue = Assert.Single(spans, s => s.Kind == ActivityKind.Producer);
        var process = Assert.Single(spans, s => s.DisplayName == "ProcessLead");
        Assert.Equal(request.TraceId, enqueue.TraceId);
        Assert.Equal(request.TraceId, process.TraceId);
        Assert.Equal(enqueue.SpanId, process.ParentSpanId);
        Assert.Equal(leadId, process.GetTagItem("lead.id"));
        Assert.Equal("Delivered", process.GetTagItem("lead.outcome"));
        Assert.DoesNotContain(spans, s => s.TagObjects.Any(t => t.Value?.ToString()?.Contains(TestApp.Key, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Metrics_count_received_rejected_accepted_and_delivered_leads()
    {
        var telemetry = new CapturedTelemetry();
        await using var app = await TestApp.StartAsync(azurite, services: telemetry.Register);

        await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"));
        await app.PostLeadAsync("[]");
        await app.PostLeadAsync("{}", key: "wrong");
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1));

        // The delivery is counted just after the row is written: wait until every count is there, not for a while.
        string[] expected =
        [
            "leads.rejected reason=invalid", "leads.rejected reason=unauthorized", "leads.accepted duplicate=False",
            "leads.delivered destination=Table", "leads.delivery.latency destination=Table",
        ];
        List<string> points = [];
        await TestApp.EventuallyAsync(() =>
        {
            app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
            points = telemetry.AllText().ToList();
            return Task.FromResult(expected.All(points.Contains));
        }, TimeSpan.FromSeconds(60));

        foreach (var point in expected) Assert.Contains(point, points);
    }

    [Fact]
    public async Task Health_is_200_when_storage_and_destination_are_reachable_and_names_the_checks_only_behind_the_key()
    {
        await using var app = await TestApp.StartAsync(azurite);

        var anonymous = await app.Http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal("""{"status":"Healthy"}""", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Http.GetAsync("/api/health/details")).StatusCode);

        var response = await app.Http.GetAsync(TestApp.HealthDetailsPath());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("storage").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("destination").GetString());
    }

    [Fact]
    public async Task Health_is_503_when_storage_is_down_and_says_nothing_about_configuration()
    {
        using var closed = new ClosedPort();
        var nothingListens = closed.Number;
        await using var app = await TestApp.StartAsync(null, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" },
            connectionString: Azurite.ConnectionStringFor(nothingListens, nothingListens, nothingListens));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.Http.GetAsync("/api/health")).StatusCode);
        var response = await app.Http.GetAsync(TestApp.HealthDetailsPath());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"storage\":\"Unhealthy\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("devstoreaccount1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(app.QueueName, text, StringComparison.Ordinal);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}
