using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using LeadFunctions.Tests.Deployment;
using LeadFunctions.Tests.Reliability;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// One Azure-shaped run of the published package, shared by <see cref="AzureShapedTests"/>, delivering to the table and
/// to a loopback Dataverse (<c>crmTarget</c> <c>Table;Dataverse</c>: Dataverse by the app's identity, its fleet table
/// by token): Microsoft's sample lead posted and delivered to both, a lead for a destination that does not exist poisoned, the gauges recorded after that, then
/// the app stopped as the platform stops it (SIGTERM), which flushes its telemetry. Then a request signed with a
/// shared key. What each stand-in saw is kept for the tests to read.
/// </summary>
public sealed class AzureShapedScenario : IAsyncDisposable
{
    private AzureShapedScenario(AzureShapedRun run, FakeDataverse dataverse) => (Run, Dataverse) = (run, dataverse);

    public AzureShapedRun Run { get; }

    /// <summary>The CRM the run delivers to besides the table, as the app's managed identity.</summary>
    public FakeDataverse Dataverse { get; }

    public string LeadId { get; private set; } = "";

    /// <summary>The app's console output.</summary>
    public IReadOnlyList<string> AppLines { get; private set; } = [];

    /// <summary>Azurite's debug log lines of the requests made while the app ran (app and operator), one per request.</summary>
    public IReadOnlyList<string> StorageRequests { get; private set; } = [];

    /// <summary>What storage answered requests signed with an account key (the connection-string way), queue and table.</summary>
    public IReadOnlyList<(string Service, int Status, string? Error)> SharedKey { get; private set; } = [];

    public static async Task<AzureShapedScenario> RunAsync(FunctionAppPackage package)
    {
        var dataverse = await FakeDataverse.StartAsync();
        var scenario = new AzureShapedScenario(
            await AzureShapedRun.StartAsync(new Dictionary<string, object?> { ["crmTarget"] = "Table;Dataverse", ["dataverseUrl"] = dataverse.Url.ToString().TrimEnd('/') }),
            dataverse);
        try
        {
            await scenario.PlayAsync(package.Root);
            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    private async Task PlayAsync(string appDirectory)
    {
        var settings = Run.AppSettings;
        var queueName = settings["LeadQueueName"];
        var poison = Run.Queue(queueName + "-poison");
        var journal = Run.Table("LeadDeliveries");
        var table = Run.Table(settings["Destinations__Table__TableName"]);

        using var app = await Run.StartAppAsync(appDirectory);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.Port}"), Timeout = TimeSpan.FromSeconds(60) };
            using var accepted = await http.PostAsync(TestApp.LeadsPath(), new StringContent(RepoPaths.Sample("documented-sample-lead.json"), Encoding.UTF8, "application/json"));
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}\n{Log(app)}");
            LeadId = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("leadId").GetString()!;

            Assert.True(await TestApp.EventuallyAsync(async () => await ExistsAsync(table, LeadId[..2], LeadId) && await ExistsAsync(journal, null, null), TimeSpan.FromSeconds(90)),
                "the lead did not reach the table and the delivery journal\n" + Log(app));
            Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Dataverse.RecordCount == 1), TimeSpan.FromSeconds(90)),
                $"the lead did not reach Dataverse: {Dataverse.Summary}\n" + Log(app));

            // A lead for a destination this app does not have goes to the poison queue with its reason.
            var unknown = TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json").Replace("\"Some\"", "\"Marmaduke\"", StringComparison.Ordinal)) with { Destinations = ["Nowhere"] };
            await Run.Queue(queueName).SendMessageAsync(unknown.ToJson(), timeToLive: TimeSpan.FromSeconds(-1));
            Assert.True(await TestApp.EventuallyAsync(async () => (await poison.PeekMessagesAsync(32)).Value.Length == 1, TimeSpan.FromSeconds(90)),
                "the lead for an unknown destination did not reach the poison queue\n" + Log(app));

            // The gauges peek the poison queue each time they are recorded: two peeks after the poison message was
            // there mean one whole recording saw it.
            var from = DebugLines().Count;
            Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(DebugLines().Skip(from).Count(IsGaugePeek) >= 2), TimeSpan.FromSeconds(90)),
                "the gauges were not recorded after the lead was poisoned\n" + Log(app));
        }
        finally
        {
            app.Stop();
            AppLines = app.Lines;
        }

        StorageRequests = DebugLines().Where(l => l.Contains("RequestHeaders:", StringComparison.Ordinal)).ToList();

        // The connection-string way: the same endpoints, a request signed with an account key (the development key).
        var queueByKey = new QueueServiceClient(Run.Storage.ConnectionString, new QueueClientOptions { Transport = Run.Transport() }).GetQueueClient(queueName);
        var tableByKey = new TableServiceClient(Run.Storage.ConnectionString, new TableClientOptions { Transport = Run.Transport() }).GetTableClient(settings["Destinations__Table__TableName"]);
        SharedKey = [await RefusedAsync("queue", () => queueByKey.GetPropertiesAsync()), await RefusedAsync("table", () => tableByKey.GetEntityAsync<TableEntity>(LeadId[..2], LeadId))];

        bool IsGaugePeek(string line) => line.Contains($"/{AzureShapedRun.StorageAccount}/{queueName}-poison/messages?peekonly=true", StringComparison.OrdinalIgnoreCase)
            && line.Contains("RequestHeaders:", StringComparison.Ordinal);
    }

    private static async Task<(string, int, string?)> RefusedAsync(string service, Func<Task> request)
    {
        try
        {
            await request();
            return (service, 200, null);
        }
        catch (Azure.RequestFailedException e)
        {
            return (service, e.Status, e.ErrorCode ?? e.Message);
        }
    }

    private List<string> DebugLines()
    {
        using var stream = new FileStream(Run.Storage.DebugLog!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    private static async Task<bool> ExistsAsync(TableClient table, string? partition, string? row)
    {
        try
        {
            if (partition is null) return await table.QueryAsync<TableEntity>(maxPerPage: 1).AnyAsync();
            return (await table.GetEntityIfExistsAsync<TableEntity>(partition, row!)).HasValue;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static string Log(AppProcess app) => string.Join("\n", app.Lines.Take(40).Append("...").Concat(app.Lines.Where(l => !l.Contains("Health check", StringComparison.Ordinal)).TakeLast(40)));

    public async ValueTask DisposeAsync()
    {
        await Run.DisposeAsync();
        await Dataverse.DisposeAsync();
    }
}

/// <summary>The one scenario of a test class, run by the first test that asks for it.</summary>
public sealed class AzureShapedScenarioHolder : IAsyncLifetime, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Task<AzureShapedScenario>? _scenario;

    public async Task<AzureShapedScenario> GetAsync(FunctionAppPackage package)
    {
        await _gate.WaitAsync();
        try
        {
            // Run once, failed or not: a scenario that failed fails every test that reads it, with its own message.
            return await (_scenario ??= AzureShapedScenario.RunAsync(package));
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_scenario is { IsCompletedSuccessfully: true }) await (await _scenario).DisposeAsync();
        Dispose();
    }

    public void Dispose() => _gate.Dispose();
}
