using System.Net;
using System.Runtime.Versioning;
using System.Text;
using Azure.Data.Tables;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Hosting;
using LeadFunctions.Tests.Reliability;

namespace LeadFunctions.Tests.Deployment;

/// <summary>
/// The published package run standalone, as a container runs it (<c>dotnet LeadFunctions.dll</c>): the ReadyToRun
/// release build answers and delivers like the debug build the other tests use.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(FunctionAppPackageCollection.Name)]
public sealed class PackagedAppTests(FunctionAppPackage package, Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Standalone_it_accepts_the_documented_sample_delivers_it_to_the_table_and_answers_health_and_problems()
    {
        var (settings, tableName, journalName) = Settings();
        using var app = await AppProcess.StartAsync(settings, package.Root);
        using var http = Client(app.Port);

        var service = await http.GetAsync("/");
        Assert.Equal("""{"service":"LeadFunctions","mode":"standalone"}""", await service.Content.ReadAsStringAsync());

        var accepted = await PostAsync(http, RepoPaths.Sample("documented-sample-lead.json"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var leadId = (await accepted.JsonAsync()).GetProperty("leadId").GetString()!;
        Assert.Equal($$"""{"leadId":"{{leadId}}","duplicate":false}""", await accepted.Content.ReadAsStringAsync());

        var table = azurite.Table(tableName);
        Assert.True(await TestApp.EventuallyAsync(async () => await RowAsync(table, leadId[..2], leadId) is not null), Log(app));
        Assert.Equal("Test Microsoft", (await RowAsync(table, leadId[..2], leadId))!.GetString("OfferDisplayName"));
        var journal = azurite.Table(journalName);
        Assert.True(await TestApp.EventuallyAsync(async () => await CountAsync(journal) == 1), "no delivery journal row (what `leadfunctions status` reads)\n" + Log(app));

        Assert.Equal("""{"status":"Healthy"}""", await (await http.GetAsync("/api/" + LeadHealth.Route)).Content.ReadAsStringAsync());
        var health = await http.GetAsync(TestApp.HealthDetailsPath());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("""{"status":"Healthy","checks":{"storage":"Healthy","destination":"Healthy"},"destinations":{"Table":"Healthy"}}""",
            await health.Content.ReadAsStringAsync());

        var invalid = await PostAsync(http, """{"UserDetails":{"FirstName":{"x":1}},"LeadSource":"AzureMarketplace"}""");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        var problem = await invalid.JsonAsync();
        Assert.Equal("urn:leadfunctions:problem:invalid-lead", problem.GetProperty("type").GetString());
        Assert.Equal("$.UserDetails.FirstName", problem.GetProperty("errors")[0].GetProperty("path").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(http, RepoPaths.Sample("documented-sample-lead.json"), key: "wrong")).StatusCode);
        AssertNoErrorsLogged(app);
    }

    [Fact]
    public async Task It_delivers_to_Dataverse()
    {
        await using var dataverse = await FakeDataverse.StartAsync();
        var (settings, _, _) = Settings();
        settings["Destinations:Default"] = "Dataverse";
        settings["Destinations:Dataverse:Url"] = dataverse.Url.ToString();
        settings["Destinations:Dataverse:Credential"] = "None";
        using var app = await AppProcess.StartAsync(settings, package.Root);
        using var http = Client(app.Port);

        var accepted = await PostAsync(http, RepoPaths.Sample("documented-sample-lead.json"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var leadId = (await accepted.JsonAsync()).GetProperty("leadId").GetString()!;

        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(dataverse.Leads.Count == 1)), Log(app));
        var record = dataverse.Lead(NameBasedUuid.ForLead(leadId));
        Assert.Equal("someone@contoso.com", record["emailaddress1"]?.GetValue<string>());
        Assert.Equal("Contoso", record["companyname"]?.GetValue<string>());
        Assert.Empty(dataverse.Violations);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/" + LeadHealth.Route)).StatusCode);
        AssertNoErrorsLogged(app);
    }

    private (Dictionary<string, string> Settings, string Table, string Journal) Settings()
    {
        var table = TestNames.Table();
        var journal = TestNames.Table();
        return (new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["LeadQueueName"] = TestNames.Queue(),
            ["Destinations:Table:TableName"] = table,
            ["Delivery:JournalTable"] = journal,
            ["Intake:Keys"] = TestApp.Key,
            ["Telemetry:Exporter"] = "None",
            ["Standalone:MinPollingInterval"] = "00:00:00.050",
        }, table, journal);
    }

    private static HttpClient Client(int port) => new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string json, string key = TestApp.Key) =>
        http.PostAsync(TestApp.LeadsPath(key), new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<TableEntity?> RowAsync(TableClient table, string partition, string row)
    {
        try
        {
            var entity = await table.GetEntityIfExistsAsync<TableEntity>(partition, row);
            return entity.HasValue ? entity.Value : null;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return null; // no table yet
        }
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        try
        {
            return await table.QueryAsync<TableEntity>().CountAsync();
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }

    /// <summary>What a release build breaks shows up as an exception in the log (e.g. a health check that threw), even when the answer looks right.</summary>
    private static void AssertNoErrorsLogged(AppProcess app) =>
        Assert.False(app.Lines.Any(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.Contains("Exception:", StringComparison.Ordinal)), Log(app));

    private static string Log(AppProcess app) => string.Join("\n", app.Lines.TakeLast(60));
}
