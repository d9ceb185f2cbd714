using LeadFunctions.Hosting;
using System.Collections.Concurrent;
using System.Net;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using LeadFunctions.Functions;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;
using LeadFunctions.Tests.Deployment;
using LeadFunctions.Testing.StandInHost;

namespace LeadFunctions.Tests.Hosting;

/// <summary>
/// The published package run as the Functions host runs it: <c>dotnet LeadFunctions.dll --functions-uri …</c>,
/// connected to a stand-in host that speaks the worker's gRPC protocol (Hosting/StandInHost). The worker must start,
/// index and load its functions, and carry a lead from an HTTP invocation of ReceiveLead to the queue, and from a
/// queue invocation of ProcessLead to the table. A worker that fails only once it is connected (as one that cannot
/// serialize with reflection does) fails here, not in Azure.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(FunctionAppPackageCollection.Name)]
public sealed class WorkerTests(FunctionAppPackage package, Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Worker_starts_and_loads_the_functions_the_SDK_generated()
    {
        await using var host = await StartAsync(Settings());

        Assert.Equal(package.Functions.Select(f => (string?)f["name"]).Order(), host.Functions.Select(f => f.Name).Order());
        var receive = host.Functions.Single(f => f.Name == "ReceiveLead");
        Assert.Equal(("httpTrigger", "leads", "function"), (receive.TriggerType, receive.Route, receive.Trigger.Properties["authLevel"].ToLowerInvariant()));
        var process = host.Functions.Single(f => f.Name == "ProcessLead");
        Assert.Equal(("queueTrigger", "%LeadQueueName%", "AzureWebJobsStorage"),
            (process.TriggerType, process.Trigger.Properties["queueName"], process.Trigger.Properties["connection"]));
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(host.Logs.Any(l => l.Message.Contains("LeadFunctions running: Functions (isolated worker)", StringComparison.Ordinal))), TimeSpan.FromSeconds(10)),
            string.Join("\n", host.Logs.Select(l => l.Message).Concat(host.ConsoleOutput).TakeLast(30)));
    }

    [Fact]
    public async Task A_lead_goes_from_a_ReceiveLead_invocation_to_the_queue_and_from_a_ProcessLead_invocation_to_the_table()
    {
        var settings = Settings();
        await using var host = await StartAsync(settings);
        var queue = azurite.Queue(settings["LeadQueueName"]!);

        using var accepted = await host.InvokeHttpAsync("ReceiveLead", Post("/api/leads", RepoPaths.Sample("documented-sample-lead.json")));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var leadId = JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["leadId"]!.GetValue<string>();
        var message = Assert.Single((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value);
        Assert.Equal(leadId, LeadEnvelope.TryParse(message.MessageText, out _)!.LeadId);

        var outcome = await host.InvokeQueueAsync("ProcessLead", message.MessageText, message.DequeueCount, message.MessageId);

        Assert.Equal(InvocationStatus.Success, outcome.Status);
        var row = await azurite.Table(settings["Destinations__Table__TableName"]!).GetEntityIfExistsAsync<TableEntity>(leadId[..2], leadId);
        Assert.True(row.HasValue, "the lead is not in the table");
        Assert.Equal("Test Microsoft", row.Value!.GetString("OfferDisplayName"));
    }

    [Fact]
    public async Task Health_and_problem_details_answer_through_the_worker_as_in_standalone_mode()
    {
        await using var host = await StartAsync(Settings());

        using var health = await host.InvokeHttpAsync("Health", new HttpRequestMessage(HttpMethod.Get, "/api/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("""{"status":"Healthy"}""", await health.Content.ReadAsStringAsync());

        using var details = await host.InvokeHttpAsync("HealthDetails", new HttpRequestMessage(HttpMethod.Get, "/api/health/details"));
        Assert.Equal("Healthy", JsonNode.Parse(await details.Content.ReadAsStringAsync())!["destinations"]!["Table"]!.GetValue<string>());

        using var invalid = await host.InvokeHttpAsync("ReceiveLead", Post("/api/leads", """["not a lead"]"""));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ProcessLead_poisons_what_it_cannot_read_or_deliver_with_the_reason_in_the_worker_too()
    {
        var settings = Settings();
        settings["Destinations__Default"] = "Nowhere;Table"; // an unknown destination poisons its part at once, with the reason
        await using var host = await StartAsync(settings);
        var envelope = TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json"));

        var unreadable = await host.InvokeQueueAsync("ProcessLead", "this is not an envelope", 1, "m1");
        var delivered = await host.InvokeQueueAsync("ProcessLead", envelope.ToJson(), 1, "m2");
        var unwritable = await host.InvokeQueueAsync("ProcessLead", BadMessages.UnwritableLead(), 1, "m3");

        // Each ends the invocation: nothing is thrown for the host to retry five times and park without a reason.
        Assert.Equal((InvocationStatus.Success, InvocationStatus.Success, InvocationStatus.Success), (unreadable.Status, delivered.Status, unwritable.Status));
        var poisoned = (await azurite.Queue(settings["LeadQueueName"] + "-poison").PeekMessagesAsync(32)).Value.Select(m => m.MessageText).ToList();
        var wrapped = poisoned.Select(UnreadableMessage.TryParse).OfType<UnreadableMessage>().Select(m => m.Unreadable).ToList();
        Assert.Contains(wrapped, u => u is { MessageId: "m1", Code: UnreadableMessage.NotAnEnvelope, Text: "this is not an envelope", Decoded: true });
        Assert.Contains(wrapped, u => u.MessageId == "m3" && u.Reason.Contains("surrogate", StringComparison.Ordinal) && u.Text == BadMessages.UnwritableLead());
        Assert.Contains(poisoned, text => LeadEnvelope.TryParse(text, out _)?.LastError?.Code == "UnknownDestination");
    }

    [Fact]
    public async Task RecordGauges_runs_when_its_timer_fires_and_the_worker_exports_the_pipeline_gauges()
    {
        var settings = Settings();
        settings["Telemetry__Exporter"] = "Console";
        settings["OTEL_METRIC_EXPORT_INTERVAL"] = "500"; // ms, instead of a minute
        var output = new ConcurrentQueue<string>();
        await using var host = await FunctionsHostStandIn.StartAsync(package.Root, settings, new StandInHostOptions { LogSink = output.Enqueue });
        var timer = host.Functions.Single(f => f.Name == "RecordGauges");
        Assert.Equal(("timerTrigger", RecordGauges.Schedule), (timer.TriggerType, timer.Trigger.Properties["schedule"]));
        using var accepted = await host.InvokeHttpAsync("ReceiveLead", Post("/api/leads", RepoPaths.Sample("documented-sample-lead.json")));

        var outcome = await host.InvokeTimerAsync("RecordGauges");

        Assert.True(outcome.Status == InvocationStatus.Success, $"{outcome.ExceptionType}: {outcome.ExceptionMessage}");
        foreach (var gauge in new[] { PipelineGauges.QueueDepth, PipelineGauges.OldestAge, PipelineGauges.PoisonDepth, PipelineGauges.DestinationHealth })
        {
            Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(output.Any(line => line.Contains(gauge, StringComparison.Ordinal)))),
                $"the worker exported no {gauge}:\n" + string.Join("\n", output.TakeLast(40)));
        }
    }

    [Fact]
    public async Task A_worker_that_cannot_serialize_with_reflection_fails_start_up_at_once_with_its_output()
    {
        // The same package with reflection-based JSON switched off in its runtime configuration, as
        // <JsonSerializerIsReflectionEnabledByDefault>false</JsonSerializerIsReflectionEnabledByDefault> would build it.
        var broken = Directory.CreateTempSubdirectory("leadfunctions-noreflection-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(package.Root, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(broken, Path.GetRelativePath(package.Root, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var config = Path.Combine(broken, "LeadFunctions.runtimeconfig.json");
            var runtime = JsonNode.Parse(File.ReadAllText(config))!;
            var properties = runtime["runtimeOptions"]!["configProperties"] ??= new JsonObject();
            properties["System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault"] = false;
            File.WriteAllText(config, runtime.ToJsonString());

            var error = await Assert.ThrowsAsync<StandInHostException>(() => FunctionsHostStandIn.StartAsync(broken, Settings()));

            // The worker itself reported the failure: the stand-in did not give up waiting for an answer (whatever the machine's speed).
            Assert.DoesNotContain("no answer within", error.Message, StringComparison.Ordinal);
            Assert.Contains("Reflection-based serialization has been disabled", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(broken, recursive: true);
        }
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["LeadQueueName"] = TestNames.Queue(),
        ["Destinations__Table__TableName"] = TestNames.Table(),
        ["Delivery__JournalTable"] = TestNames.Table(),
        ["Telemetry__Exporter"] = "None",
    };

    private Task<FunctionsHostStandIn> StartAsync(Dictionary<string, string?> settings) => FunctionsHostStandIn.StartAsync(package.Root, settings);

    private static HttpRequestMessage Post(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
