using LeadFunctions.Hosting;
using System.Reflection;
using LeadFunctions.Functions;
using LeadFunctions.Telemetry;
using LeadFunctions.Tests.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace LeadFunctions.Tests.Functions;

/// <summary>
/// The RecordGauges timer function as the worker calls it: once a minute, it records the pipeline gauges from the
/// queues (Azurite's) and the destinations' cached probe.
/// </summary>
[Collection(AloneCollection.Name)] // the SDK listens to every app's LeadFunctions meter: no other app may record gauges meanwhile
public sealed class RecordGaugesFunctionTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Each_run_records_the_gauges_of_the_queues_as_they_are_now()
    {
        var telemetry = new CapturedTelemetry();
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" }, telemetry.Register);
        await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"));
        var function = new RecordGauges(app.App.Services.GetRequiredService<PipelineGauges>());

        await function.RunAsync(new TimerInfo(), FunctionContexts.WithTriggerMetadata(new Dictionary<string, object?>()));
        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var points = telemetry.MetricPoints();
        Assert.Equal(1, Assert.Single(points, p => p.Name == PipelineGauges.QueueDepth).Value);
        Assert.Equal(0, Assert.Single(points, p => p.Name == PipelineGauges.PoisonDepth).Value);
        Assert.Single(points, p => p.Name == PipelineGauges.OldestAge);
        Assert.Equal("Table", Assert.Single(points, p => p.Name == PipelineGauges.DestinationHealth).Tags[PipelineGauges.DestinationTag]);
    }

    [Fact]
    public void Runs_at_second_0_of_every_minute()
    {
        var trigger = typeof(RecordGauges).GetMethod(nameof(RecordGauges.RunAsync))!.GetParameters()[0].GetCustomAttribute<TimerTriggerAttribute>()!;

        Assert.Equal("0 * * * * *", trigger.Schedule);
        Assert.False(trigger.RunOnStartup);
    }
}
