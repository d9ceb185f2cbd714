using LeadFunctions.Hosting;
using LeadFunctions.Delivery;
using LeadFunctions.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Cli.Status;

/// <summary><c>status</c>: the numbers are those of the queues and the delivery journal, read through the app's own types.</summary>
public sealed class StatusCommandTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Status_shows_the_queue_depths_the_oldest_message_and_the_deliveries_of_the_last_hour()
    {
        var queueName = TestNames.Queue();
        var journalTable = TestNames.Table();
        var storage = new TestStorage(azurite, queueName, journalTable);
        for (var i = 0; i < 3; i++) await storage.Queue.SendAsync(TestStorage.Envelope($"status-{i}"), null, CancellationToken.None);
        for (var i = 0; i < 2; i++) await storage.Queue.SendToPoisonAsync(TestStorage.Envelope($"poison-{i}").ToJson(), CancellationToken.None);

        // The CLI's clock is ten minutes ahead: the messages just sent are ten minutes old to it.
        var now = DateTimeOffset.UtcNow.AddMinutes(10);
        var clock = new FakeTimeProvider(now);
        for (var i = 0; i < 4; i++) await storage.Journal.RecordAsync(new DeliveryRecord($"lead{i}", "Table", now.AddMinutes(-5 - (10 * i)), now.AddMinutes(-60), 1, false), CancellationToken.None);
        await storage.Journal.RecordAsync(new DeliveryRecord("older", "Table", now.AddMinutes(-61), now.AddMinutes(-90), 1, false), CancellationToken.None);
        var settings = new Dictionary<string, string?> { ["Delivery:JournalTable"] = journalTable };

        var json = await LeadCliRunner.RunAsync(["status", "--json", .. LeadCliRunner.Storage(azurite, queueName)], settings, clock);
        var text = await LeadCliRunner.RunAsync(["status", .. LeadCliRunner.Storage(azurite, queueName)], settings, clock);

        Assert.True(json.ExitCode == 0, json.ToString());
        var report = json.Json();
        Assert.Equal(3, report.GetProperty("queue").GetProperty("messages").GetInt32());
        Assert.Equal(2, report.GetProperty("poison").GetProperty("messages").GetInt32());
        Assert.Equal(4, report.GetProperty("deliveriesLastHour").GetInt32());
        Assert.InRange(report.GetProperty("queue").GetProperty("oldestAgeSeconds").GetDouble(), 590, 660);
        Assert.InRange(report.GetProperty("poison").GetProperty("oldestAgeSeconds").GetDouble(), 590, 660);
        Assert.Equal($"{queueName}-poison", report.GetProperty("poison").GetProperty("name").GetString());
        var gauges = report.GetProperty("gauges");
        Assert.Equal(3, gauges.GetProperty(PipelineGauges.QueueDepth).GetInt32());
        Assert.Equal(report.GetProperty("queue").GetProperty("oldestAgeSeconds").GetDouble(), gauges.GetProperty(PipelineGauges.OldestAge).GetDouble());
        Assert.Equal(2, gauges.GetProperty(PipelineGauges.PoisonDepth).GetInt32());
        Assert.False(gauges.TryGetProperty(PipelineGauges.DestinationHealth, out _)); // only with --health

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Matches($@"Queue\s+{queueName}\s+3 messages, oldest waiting 10m", text.Output);
        Assert.Matches($@"Poison\s+{queueName}-poison\s+2 messages, oldest 10m", text.Output);
        Assert.Contains($"4 leads in the last hour (journal table {journalTable})", text.Output, StringComparison.Ordinal);
        Assert.Matches($@"Gauges\s+{PipelineGauges.QueueDepth} 3, {PipelineGauges.OldestAge} \d+ s, {PipelineGauges.PoisonDepth} 2", text.Output);
        Assert.DoesNotContain("status-0", text.Output + json.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_with_the_health_URL_shows_each_destination_health_as_the_app_probed_it_without_the_key()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });
        var health = new Uri(app.BaseAddress, TestApp.HealthDetailsPath()).ToString();
        var settings = new Dictionary<string, string?> { ["Delivery:JournalTable"] = TestNames.Table() };

        var json = await LeadCliRunner.RunAsync(["status", "--json", "--health", health, .. LeadCliRunner.Storage(azurite, app.QueueName)], settings);
        var text = await LeadCliRunner.RunAsync(["status", "--health", health, .. LeadCliRunner.Storage(azurite, app.QueueName)], settings);
        var wrongKey = await LeadCliRunner.RunAsync(["status", "--health", new Uri(app.BaseAddress, TestApp.HealthDetailsPath("wrong")).ToString(), .. LeadCliRunner.Storage(azurite, app.QueueName)], settings);

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(GaugeValues.Health(HealthStatus.Healthy), json.Json().GetProperty("gauges").GetProperty(PipelineGauges.DestinationHealth).GetProperty("Table").GetInt32());
        Assert.Contains($"{PipelineGauges.DestinationHealth} Table 2 (Healthy)", text.Output, StringComparison.Ordinal);
        Assert.Equal(2, wrongKey.ExitCode);
        Assert.Contains("answered 401", wrongKey.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(TestApp.Key, json.All + text.All + wrongKey.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_a_queue_that_does_not_exist_yet_says_so_and_counts_nothing()
    {
        var queueName = TestNames.Queue();

        var run = await LeadCliRunner.RunAsync(["status", .. LeadCliRunner.Storage(azurite, queueName)],
            new Dictionary<string, string?> { ["Delivery:JournalTable"] = TestNames.Table() });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("does not exist yet", run.Output, StringComparison.Ordinal);
        Assert.Contains("0 leads in the last hour", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_warns_when_the_oldest_waiting_message_is_not_encoded_as_the_app_expects()
    {
        var queueName = TestNames.Queue();
        var raw = azurite.Queue(queueName, base64: false);
        await raw.CreateAsync();
        await raw.SendMessageAsync("{\"added\": \"by hand, not base64\"}");

        var run = await LeadCliRunner.RunAsync(["status", .. LeadCliRunner.Storage(azurite, queueName)],
            new Dictionary<string, string?> { ["Delivery:JournalTable"] = TestNames.Table() });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches($@"Queue\s+{queueName}\s+1 message, oldest waiting", run.Output);
        Assert.Contains($"the oldest message in {queueName} is not base64-encoded", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_storage_is_one_line_on_stderr_and_exit_code_3()
    {
        using var closed = new ClosedPort();
        var port = closed.Number;

        var run = await LeadCliRunner.RunAsync(["status", "--connection-string", Azurite.ConnectionStringFor(port, port, port), "--queue", "leads"]);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("leadfunctions: storage could not be reached", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("AccountKey", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_storage_setting_is_a_usage_error_naming_the_setting()
    {
        var run = await LeadCliRunner.RunAsync(["status"], new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "", ["AzureWebJobsStorage:accountName"] = "" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("AzureWebJobsStorage", run.Error, StringComparison.Ordinal);
    }
}
