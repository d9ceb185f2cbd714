using System.Net;
using System.Text.Json;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Tests.Destinations.Dataverse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.Destinations;

/// <summary>
/// <c>Destinations__Default=Dataverse;Table</c> through the whole pipeline: each destination's delivery is tracked on its own. A
/// destination that fails permanently poisons only its own deliveries while the other has every lead; a replay after
/// the fix goes to it alone; one that fails transiently is retried alone; nothing is ever delivered twice anywhere.
/// </summary>
public sealed class SeveralDestinationsTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime, IDisposable
{
    private const int LeadCount = 20;

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly CapturedLogs _logs = new();
    private FakeDataverse _dataverse = null!;

    public async Task InitializeAsync() => _dataverse = await FakeDataverse.StartAsync();

    public async Task DisposeAsync() => await _dataverse.DisposeAsync();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task A_destination_failing_permanently_poisons_only_its_deliveries_and_a_replay_after_the_fix_goes_to_it_alone()
    {
        _dataverse.AnswerEverything = (403, "0x80040220", "Principal user is missing prvCreateLead privilege.");
        await using var app = await StartAsync();

        var leads = await PostLeadsAsync(app);

        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == LeadCount && await TestApp.CountMessagesAsync(app.PoisonQueue) == LeadCount));
        Assert.Empty(_dataverse.Leads);
        foreach (var envelope in await app.PoisonedAsync())
        {
            Assert.Equal(["Dataverse"], envelope.GetProperty("destinations").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal("Dataverse", envelope.GetProperty("lastError").GetProperty("destination").GetString());
            Assert.Equal(403, envelope.GetProperty("lastError").GetProperty("status").GetInt32());
        }

        _dataverse.AnswerEverything = null; // the admin assigns the role
        Assert.Equal(LeadCount, await app.ReplayPoisonAsync());

        Assert.True(await TestApp.EventuallyAsync(async () => _dataverse.Leads.Count == LeadCount && await TestApp.CountMessagesAsync(app.Queue) == 0));
        foreach (var leadId in leads) Assert.True(_dataverse.Leads.ContainsKey(NameBasedUuid.ForLead(leadId)));
        Assert.Equal(LeadCount, await app.CountRowsAsync());
        Assert.Equal(LeadCount, _dataverse.Creates);
        Assert.Equal(LeadCount, Delivered("Table")); // the replay never went to the table again
        Assert.Equal(LeadCount, Delivered("Dataverse"));
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task A_destination_failing_transiently_is_retried_alone_while_the_other_has_each_lead_once()
    {
        _dataverse.Down = true;
        await using var app = await StartAsync();

        await PostLeadsAsync(app);
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == LeadCount &&
                                                              _logs.Messages().Count(m => m.Contains("attempt 2 failed transiently", StringComparison.Ordinal)) >= LeadCount));
        _dataverse.Down = false;

        Assert.True(await TestApp.EventuallyAsync(async () => _dataverse.Leads.Count == LeadCount && await TestApp.CountMessagesAsync(app.Queue) == 0));
        Assert.Equal(LeadCount, Delivered("Table"));
        Assert.DoesNotContain(_logs.Messages(), m => m.Contains("delivered to Table (already there: True", StringComparison.Ordinal));
        Assert.Equal(LeadCount, Delivered("Dataverse"));
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task An_unknown_name_in_the_list_poisons_only_its_deliveries_with_the_reason()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Destinations:Default"] = "Table; Nowhere" });

        var response = await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1 && await TestApp.CountMessagesAsync(app.PoisonQueue) == 1));
        var poisoned = Assert.Single(await app.PoisonedAsync());
        Assert.Equal("UnknownDestination", poisoned.GetProperty("lastError").GetProperty("code").GetString());
        Assert.Equal(["Nowhere"], poisoned.GetProperty("destinations").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Health_names_each_destination()
    {
        await using var app = await StartAsync();

        var response = await app.Http.GetAsync(TestApp.HealthDetailsPath());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var destinations = (await response.JsonAsync()).GetProperty("destinations");
        Assert.Equal("Healthy", destinations.GetProperty("Dataverse").GetString());
        Assert.Equal("Healthy", destinations.GetProperty("Table").GetString());

        _dataverse.AnswerEverything = (403, "0x80040220", "Principal user is missing prvReadUser privilege.");
        // The previous probe's answer is reused for ProbeInterval; then the next request probes again and says so.
        HttpResponseMessage unhealthy = null!;
        Assert.True(await TestApp.EventuallyAsync(async () =>
        {
            unhealthy = await app.Http.GetAsync(TestApp.HealthDetailsPath());
            return unhealthy.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(60)), $"health still answers {unhealthy.StatusCode}");
        Assert.Equal("Unhealthy", (await unhealthy.JsonAsync()).GetProperty("destinations").GetProperty("Dataverse").GetString());
    }

    private int Delivered(string destination) =>
        _logs.Messages().Count(m => m.Contains($"delivered to {destination} (", StringComparison.Ordinal));

    private Task<TestApp> StartAsync()
    {
        var settings = DataverseHarness.SettingsFor(_dataverse);
        settings["Destinations:Default"] = "Dataverse;Table";
        settings["Destinations:Dataverse:Retries"] = "1";
        settings["Delivery:FirstRetryDelay"] = "00:00:00.200";
        settings["Delivery:MaxRetryDelay"] = "00:00:00.500";
        settings["Health:ProbeInterval"] = ProbeInterval.ToString();
        return TestApp.StartAsync(azurite, settings, s => s.AddSingleton<ILoggerProvider>(_logs));
    }

    private static async Task<List<string>> PostLeadsAsync(TestApp app)
    {
        var ids = new List<string>();
        for (var i = 0; i < LeadCount; i++)
        {
            var response = await app.PostLeadAsync(TestLeads.ContactMe(i).ToJsonString());
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.JsonAsync()).GetProperty("leadId").GetString()!);
        }

        return ids;
    }
}
