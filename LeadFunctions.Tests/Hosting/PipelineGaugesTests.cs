using LeadFunctions.Hosting;
using System.Diagnostics.Metrics;
using System.Net;
using LeadFunctions.Destinations;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using LeadFunctions.Tests.Cli;
using LeadFunctions.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Moq;
using OpenTelemetry.Metrics;

namespace LeadFunctions.Tests.Hosting;

/// <summary>
/// The pipeline gauges against real Azurite: the values the app exports as metrics are the queues' and the
/// destinations' real state, the oldest waiting lead's age moves with the clock and ignores leads whose retry is not
/// due, and destination health comes from the cached probe, never from extra calls to the CRM.
/// </summary>
[Collection(AloneCollection.Name)] // the SDK listens to every app's LeadFunctions meter: no other app may record gauges meanwhile
public sealed class PipelineGaugesTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly Dictionary<string, string?> GaugesOnQueueIdle = new()
    {
        ["Standalone:ProcessQueue"] = "false", // the leads stay in the queue
        ["Standalone:GaugeInterval"] = "00:00:00.100",
    };

    [Fact]
    public async Task Gauges_are_the_lead_queue_depth_the_oldest_waiting_lead_the_poison_depth_and_each_destination_health()
    {
        var telemetry = new CapturedTelemetry();
        await using var app = await TestApp.StartAsync(azurite, GaugesOnQueueIdle, telemetry.Register);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(TestLeads.ContactMe(i).ToJsonString())).StatusCode);
        var queue = app.App.Services.GetRequiredService<LeadQueue>();
        for (var i = 0; i < 2; i++) await queue.SendToPoisonAsync(TestStorage.Envelope($"gauge-poison-{i}").ToJson(), CancellationToken.None);

        // A real wait: the oldest lead's age grows from about 0 to 2 s and more while nothing drains the queue.
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Gauge(app, telemetry, PipelineGauges.OldestAge) >= 2)),
            $"the oldest waiting lead's age never reached 2 s: {Describe(telemetry)}");

        Assert.Equal(3, Gauge(app, telemetry, PipelineGauges.QueueDepth));
        Assert.Equal(2, Gauge(app, telemetry, PipelineGauges.PoisonDepth));
        var health = Assert.Single(telemetry.MetricPoints(), p => p.Name == PipelineGauges.DestinationHealth);
        Assert.Equal("Table", health.Tags[PipelineGauges.DestinationTag]);
        Assert.Equal(GaugeValues.Health(HealthStatus.Healthy), health.Value);
    }

    [Fact]
    public async Task Oldest_waiting_lead_ages_with_the_clock_from_when_it_was_queued()
    {
        var storage = new TestStorage(azurite, TestNames.Queue());
        await storage.Queue.SendAsync(TestStorage.Envelope("gauge-clock"), null, CancellationToken.None);
        var written = DateTimeOffset.UtcNow;

        var state = await QueueState.ReadAsync(storage.Storage.LeadQueueAsStored, base64: true, written.AddHours(2), CancellationToken.None);

        Assert.Equal(1, state.Messages);
        Assert.InRange(state.OldestAgeSeconds!.Value, 7200 - 60, 7200 + 60);
        Assert.Equal(state.OldestAgeSeconds, GaugeValues.Of(state, state, null).OldestAgeSeconds);
    }

    [Fact]
    public async Task Lead_rescheduled_after_an_outage_waits_from_when_its_retry_is_due_and_not_at_all_before()
    {
        var storage = new TestStorage(azurite, TestNames.Queue());
        var now = DateTimeOffset.UtcNow;

        // Re-scheduled an hour ahead, as after a CRM outage: invisible, so counted in the depth but not waiting.
        await storage.Queue.SendAsync(TestStorage.Envelope("gauge-later", attempt: 2) with { RetryAt = now.AddHours(1) }, TimeSpan.FromHours(1), CancellationToken.None);
        var before = await QueueState.ReadAsync(storage.Storage.LeadQueueAsStored, base64: true, now.AddMinutes(1), CancellationToken.None);
        Assert.Equal(1, before.Messages);
        Assert.Null(before.OldestAgeSeconds);
        Assert.Equal(0, GaugeValues.Of(before, before, null).OldestAgeSeconds);

        // One whose retry fell due an hour after it was written (made visible at once here): it has waited since then.
        var other = new TestStorage(azurite, TestNames.Queue());
        await other.Queue.SendAsync(TestStorage.Envelope("gauge-due", attempt: 2) with { RetryAt = now.AddHours(1) }, null, CancellationToken.None);
        var after = await QueueState.ReadAsync(other.Storage.LeadQueueAsStored, base64: true, now.AddHours(1).AddMinutes(5), CancellationToken.None);
        Assert.Equal(now.AddHours(1), after.OldestWaitingSince);
        Assert.InRange(after.OldestAgeSeconds!.Value, 299, 301);
    }

    [Fact]
    public async Task Destination_health_is_the_cached_probe_so_an_unhealthy_CRM_is_0_and_is_probed_once_per_interval()
    {
        var destination = new Mock<ILeadDestination>();
        destination.Setup(d => d.Name).Returns("Fake");
        destination.Setup(d => d.CheckHealthAsync(It.IsAny<CancellationToken>())).ReturnsAsync(HealthCheckResult.Unhealthy("401 from the CRM"));
        var telemetry = new CapturedTelemetry();
        using var recordings = new GaugeRecordings(PipelineGauges.DestinationHealth, "Fake");
        var settings = new Dictionary<string, string?>(GaugesOnQueueIdle) { ["Health:ProbeInterval"] = "01:00:00" };
        await using var app = await TestApp.StartAsync(azurite, settings, services =>
        {
            services.AddSingleton(destination.Object);
            telemetry.Register(services);
        });

        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(DestinationHealth(app, telemetry, "Fake") is not null)), Describe(telemetry));
        var seen = recordings.Count;
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(recordings.Count >= seen + 10), TimeSpan.FromSeconds(60)),
            $"the gauges were recorded {recordings.Count - seen} more times, not 10"); // ten more gauge recordings, however long they take
        var details = await app.Http.GetAsync(TestApp.HealthDetailsPath());

        Assert.Equal(GaugeValues.Health(HealthStatus.Unhealthy), DestinationHealth(app, telemetry, "Fake"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, details.StatusCode);
        destination.Verify(d => d.CheckHealthAsync(It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Storage_that_cannot_be_read_leaves_the_queue_gauges_out_and_still_reports_destination_health()
    {
        var port = FreePort.Next();
        var telemetry = new CapturedTelemetry();
        await using var app = await TestApp.StartAsync(null, GaugesOnQueueIdle, telemetry.Register, Azurite.ConnectionStringFor(port, port, port));

        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(DestinationHealth(app, telemetry, "Table") is not null), TimeSpan.FromSeconds(30)), Describe(telemetry));

        Assert.Equal(GaugeValues.Health(HealthStatus.Unhealthy), DestinationHealth(app, telemetry, "Table"));
        Assert.DoesNotContain(telemetry.MetricPoints(), p => p.Name is PipelineGauges.QueueDepth or PipelineGauges.OldestAge or PipelineGauges.PoisonDepth);
        Assert.Contains(telemetry.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Warning), m => m.Contains("Pipeline gauges: queue", StringComparison.Ordinal));
    }

    /// <summary>Counts each recording of one destination's gauge, as the app makes it (a tick of the gauge timer).</summary>
    private sealed class GaugeRecordings : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public GaugeRecordings(string instrument, string destination)
        {
            _listener.InstrumentPublished = (published, listener) =>
            {
                if (published.Meter.Name == LeadMetrics.MeterName && published.Name == instrument) listener.EnableMeasurementEvents(published);
            };
            _listener.SetMeasurementEventCallback<int>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == PipelineGauges.DestinationTag && Equals(tag.Value, destination)) Interlocked.Increment(ref _count);
                }
            });
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }

    private static double? Gauge(TestApp app, CapturedTelemetry telemetry, string name)
    {
        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return telemetry.MetricPoints().LastOrDefault(p => p.Name == name)?.Value;
    }

    private static double? DestinationHealth(TestApp app, CapturedTelemetry telemetry, string destination)
    {
        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return telemetry.MetricPoints().LastOrDefault(p => p.Name == PipelineGauges.DestinationHealth && p.Tags.GetValueOrDefault(PipelineGauges.DestinationTag) == destination)?.Value;
    }

    private static string Describe(CapturedTelemetry telemetry) =>
        string.Join("; ", telemetry.MetricPoints().Where(p => p.Name.StartsWith("leads.", StringComparison.Ordinal)).Select(p => $"{p.Name} {string.Join(",", p.Tags)} = {p.Value}"));
}
