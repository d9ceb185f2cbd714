using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LeadFunctions.Testing;

/// <summary>
/// The real app (Program.BuildStandalone), listening on a free loopback port, spoken to over HTTP. Each instance has its own
/// queue, poison queue and table in the shared Azurite. It runs in <see cref="TestContentRoot"/>: a developer's
/// <c>local.settings.json</c> never reaches it.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string Key = "test-key-1";
    public const string SecondKey = "test-key-2";

    private TestApp(WebApplication app, Uri baseAddress, string queueName, string tableName, Azurite? azurite)
    {
        App = app;
        BaseAddress = baseAddress;
        QueueName = queueName;
        TableName = tableName;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Storage = azurite;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public string QueueName { get; }

    public string PoisonQueueName => QueueName + "-poison";

    public string TableName { get; }

    private Azurite? Storage { get; }

    public QueueClient Queue => Storage!.Queue(QueueName);

    public QueueClient PoisonQueue => Storage!.Queue(PoisonQueueName);

    public TableClient Table => Storage!.Table(TableName);

    public static string HealthDetailsPath(string? key = Key) => $"/api/health/details?code={Uri.EscapeDataString(key ?? "")}";

    public static string LeadsPath(string? key = Key) => key is null ? "/api/leads" : $"/api/leads?code={Uri.EscapeDataString(key)}";

    /// <summary>Starts the app in standalone mode against <paramref name="azurite"/> (or <paramref name="connectionString"/>).</summary>
    public static async Task<TestApp> StartAsync(
        Azurite? azurite,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string? connectionString = null)
    {
        var queueName = TestNames.Queue();
        var tableName = TestNames.Table();
        var all = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString ?? azurite?.ConnectionString,
            ["LeadQueueName"] = queueName,
            ["Destinations:Table:TableName"] = tableName,
            ["Delivery:JournalTable"] = TestNames.Table(),
            ["Delivery:SettlementTable"] = TestNames.Table(),
            ["Telemetry:Exporter"] = "None",
            ["Intake:Keys"] = $"{Key};{SecondKey}",
            ["Standalone:MinPollingInterval"] = "00:00:00.050",
            ["Standalone:GaugeInterval"] = "00:00:00", // off: a gauge tick would probe destinations that tests count calls to
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
        };
        all["urls"] = "http://127.0.0.1:0"; // the system picks the port, the app binds it at once: read back below
        all["contentRoot"] = TestContentRoot.Path; // where local.settings.json would be read from: an empty directory
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        queueName = all["LeadQueueName"]!;
        tableName = all["Destinations:Table:TableName"]!;

        var args = all.Where(p => p.Value is not null).Select(p => $"--{p.Key}={p.Value}").ToArray();
        var app = Program.BuildStandalone(args, services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address), queueName, tableName, azurite);
    }

    public Task<HttpResponseMessage> PostLeadAsync(string json, string? key = Key, string contentType = "application/json") =>
        Http.PostAsync(LeadsPath(key), new StringContent(json, System.Text.Encoding.UTF8, contentType));

    /// <summary>Polls until <paramref name="condition"/> holds or the time is up; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }

        return await condition();
    }

    public async Task<int> CountRowsAsync()
    {
        try
        {
            var count = 0;
            await foreach (var _ in Table.QueryAsync<TableEntity>()) count++;
            return count;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }

    public static async Task<int> CountMessagesAsync(QueueClient queue)
    {
        if (!await queue.ExistsAsync()) return 0;
        var properties = await queue.GetPropertiesAsync();
        return properties.Value.ApproximateMessagesCount;
    }

    /// <summary>
    /// Replays the poison queue the way an operator does: <c>leadfunctions poison replay --all</c>, run through the CLI's
    /// real entry point against this app's storage and queue. Returns how many messages it replayed.
    /// </summary>
    public async Task<int> ReplayPoisonAsync()
    {
        var run = await LeadCliRunner.RunAsync(["poison", "replay", "--all", .. LeadCliRunner.Storage(Storage!, QueueName)]);
        Assert.True(run.ExitCode == 0, $"leadfunctions poison replay --all failed:\n{run}");
        var summary = System.Text.RegularExpressions.Regex.Match(run.Output, @"Replayed (?<replayed>\d+) of \d+ messages? to ");
        Assert.True(summary.Success, $"no summary line in what the replay printed:\n{run}");
        return int.Parse(summary.Groups["replayed"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The envelopes waiting in the poison queue (up to 32 at a time are peeked; enough for the tests).</summary>
    public async Task<List<System.Text.Json.JsonElement>> PoisonedAsync()
    {
        var envelopes = new List<System.Text.Json.JsonElement>();
        foreach (var message in (await PoisonQueue.PeekMessagesAsync(32)).Value)
        {
            using var envelope = System.Text.Json.JsonDocument.Parse(message.MessageText);
            envelopes.Add(envelope.RootElement.Clone());
        }

        return envelopes;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public static class HttpResponseExtensions
{
    public static async Task<System.Text.Json.JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
}
