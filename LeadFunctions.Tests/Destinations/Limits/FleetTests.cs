using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Destinations.Limits;

/// <summary>
/// Several instances of the real app (standalone, in this process) on one queue, against one loopback Dataverse and
/// the shared Azurite: together they behave as one client of the CRM user (docs/design.md, "Decisions").
/// </summary>
public sealed class FleetTests(Azurite azurite, ITestOutputHelper output) : IClassFixture<Azurite>
{
    private const int Instances = 3;
    private const int UserConcurrency = 10; // less than 3 instances × 8 (MaxConcurrency) each
    private const int Leads = 120;

    [Fact]
    public async Task Three_instances_on_one_queue_never_have_more_requests_in_flight_than_the_CRM_user_allows_and_deliver_each_lead_once()
    {
        await using var fake = await FakeDataverse.StartAsync();
        fake.Latency = TimeSpan.FromMilliseconds(300); // every slot an instance has is soon in use
        fake.ConcurrencyLimit = UserConcurrency;
        var queue = TestNames.Queue();
        var fleetTable = TestNames.Table();
        var apps = new List<TestApp>();
        try
        {
            for (var i = 0; i < Instances; i++) apps.Add(await TestApp.StartAsync(azurite, Settings(fake, queue, fleetTable)));
            var throttles = apps.Select(a => a.App.Services.GetRequiredKeyedService<DestinationThrottle>("Dataverse")).ToList();
            Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(throttles.All(t => t.Shared))), "every instance joins the fleet");

            foreach (var n in Enumerable.Range(0, Leads))
            {
                using var response = await apps[n % Instances].PostLeadAsync(TestLeads.ContactMe(n).ToJsonString());
                Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            }

            Assert.True(
                await TestApp.EventuallyAsync(async () => fake.RecordCount == Leads && await TestApp.CountMessagesAsync(apps[0].Queue) == 0, TimeSpan.FromSeconds(90)),
                $"every lead delivered: {fake.Summary}");
            output.WriteLine($"{Instances} instances, {UserConcurrency} at once allowed: {fake.Summary}; throttle limits {string.Join(", ", throttles.Select(t => t.Limit))}");

            Assert.InRange(fake.MaxConcurrent, 1, UserConcurrency);
            Assert.Equal(0, fake.OverConcurrency);
            Assert.Equal(Leads, fake.Creates);
            Assert.Empty(fake.Violations);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    /// <summary>
    /// The fleet's promise holds at any speed, starting instances included: each round puts a backlog on the queue
    /// first, then starts three instances at once (each checks its connection to Dataverse at start), so that every
    /// request an instance sends — the connection check, deliveries, retries — competes from the first moment. Half of
    /// the rounds run with a CPU-bound neighbour on every core, half on an idle machine; the fake counts every request
    /// it receives, whatever its path.
    /// </summary>
    [Fact]
    public async Task Starting_instances_stay_within_the_CRM_users_concurrency_in_twenty_rounds_idle_and_busy()
    {
        const int rounds = 20, backlog = 30;
        var peaks = new List<string>();
        for (var round = 0; round < rounds; round++)
        {
            var busy = round % 2 == 1;
            using var neighbour = busy ? CpuNeighbour.Start() : null;
            await using var fake = await FakeDataverse.StartAsync();
            fake.Latency = TimeSpan.FromMilliseconds(100);
            fake.ConcurrencyLimit = UserConcurrency;
            var queue = TestNames.Queue();
            var backlogQueue = azurite.Queue(queue);
            await backlogQueue.CreateAsync();
            foreach (var n in Enumerable.Range(0, backlog))
            {
                await backlogQueue.SendMessageAsync(TestLeads.Envelope(TestLeads.ContactMe((round * backlog) + n).ToJsonString()).ToJson(), null, TimeSpan.FromSeconds(-1));
            }

            var settings = Settings(fake, queue, TestNames.Table());
            var apps = await Task.WhenAll(Enumerable.Range(0, Instances).Select(_ => TestApp.StartAsync(azurite, settings)));
            try
            {
                Assert.True(
                    await TestApp.EventuallyAsync(async () => fake.RecordCount == backlog && await TestApp.CountMessagesAsync(apps[0].Queue) == 0, TimeSpan.FromSeconds(120)),
                    $"round {round} ({(busy ? "busy" : "idle")}): every lead delivered: {fake.Summary}");
            }
            finally
            {
                foreach (var app in apps) await app.DisposeAsync();
            }

            peaks.Add($"{fake.MaxConcurrent}{(busy ? "b" : "i")}");
            Assert.True(fake.MaxConcurrent <= UserConcurrency && fake.OverConcurrency == 0,
                $"round {round} ({(busy ? "busy" : "idle")}): {fake.MaxConcurrent} requests in flight at once, the CRM user allows {UserConcurrency}: {fake.Summary}");
            Assert.Equal(backlog, fake.Creates);
            Assert.Empty(fake.Violations);
        }

        output.WriteLine($"Fleet peaks in flight (limit {UserConcurrency}; i idle, b busy): {string.Join(" ", peaks)}");
    }

    [Fact]
    public async Task Wrong_fleet_settings_are_logged_naming_the_setting_and_the_instance_delivers_alone()
    {
        await using var fake = await FakeDataverse.StartAsync();
        var logs = new CapturedLogs();
        var settings = Settings(fake, TestNames.Queue(), TestNames.Table());
        settings["Destinations:Fleet:MemberTimeout"] = "00:00:00.500"; // shorter than three renewals of 250 ms

        await using var app = await TestApp.StartAsync(azurite, settings, s => s.AddSingleton<ILoggerProvider>(logs));

        Assert.True(
            await TestApp.EventuallyAsync(() => Task.FromResult(logs.Entries.Any(e => e.Level == LogLevel.Error
                && e.Message.Contains("Destinations__Fleet__MemberTimeout must be at least three times Destinations__Fleet__RenewEvery.", StringComparison.Ordinal)))),
            $"the coordinator logs the problem:\n{logs.All}");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await app.PostLeadAsync(TestLeads.ContactMe(1).ToJsonString())).StatusCode);
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(fake.RecordCount == 1)), $"the lead is delivered: {fake.Summary}");
        Assert.False(app.App.Services.GetRequiredKeyedService<DestinationThrottle>("Dataverse").Shared);
    }

    private static Dictionary<string, string?> Settings(FakeDataverse fake, string queue, string fleetTable) => new()
    {
        ["LeadQueueName"] = queue,
        ["Destinations:Default"] = "Dataverse",
        ["Destinations:Dataverse:Url"] = fake.Url.ToString(),
        ["Destinations:Dataverse:Credential"] = "None",
        ["Destinations:Dataverse:FleetMaxConcurrency"] = $"{UserConcurrency}",
        ["Destinations:Fleet:TableName"] = fleetTable,
        ["Destinations:Fleet:RenewEvery"] = "00:00:00.250",
        ["Destinations:Fleet:MemberTimeout"] = "00:00:10", // a test process busy with the rest of the suite may renew late; a lapsed member's slots go to the others
    };
}
