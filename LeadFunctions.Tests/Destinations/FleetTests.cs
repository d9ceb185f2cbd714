using LeadFunctions.Destinations.Http;
using LeadFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Destinations;

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

    [Fact]
    public async Task Wrong_fleet_settings_are_logged_naming_the_setting_and_the_instance_delivers_alone()
    {
        await using var fake = await FakeDataverse.StartAsync();
        var logs = new CapturedLogs();
        var settings = Settings(fake, TestNames.Queue(), TestNames.Table());
        settings["Crm:Fleet:MemberTimeout"] = "00:00:00.500"; // shorter than three renewals of 250 ms

        await using var app = await TestApp.StartAsync(azurite, settings, s => s.AddSingleton<ILoggerProvider>(logs));

        Assert.True(
            await TestApp.EventuallyAsync(() => Task.FromResult(logs.Entries.Any(e => e.Level == LogLevel.Error
                && e.Message.Contains("Crm__Fleet__MemberTimeout must be at least three times Crm__Fleet__RenewEvery.", StringComparison.Ordinal)))),
            $"the coordinator logs the problem:\n{logs.All}");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await app.PostLeadAsync(TestLeads.ContactMe(1).ToJsonString())).StatusCode);
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(fake.RecordCount == 1)), $"the lead is delivered: {fake.Summary}");
        Assert.False(app.App.Services.GetRequiredKeyedService<DestinationThrottle>("Dataverse").Shared);
    }

    private static Dictionary<string, string?> Settings(FakeDataverse fake, string queue, string fleetTable) => new()
    {
        ["LeadQueueName"] = queue,
        ["Crm:Target"] = "Dataverse",
        ["Crm:Dataverse:Url"] = fake.Url.ToString(),
        ["Crm:Dataverse:Credential"] = "None",
        ["Crm:Dataverse:FleetMaxConcurrency"] = $"{UserConcurrency}",
        ["Crm:Fleet:TableName"] = fleetTable,
        ["Crm:Fleet:RenewEvery"] = "00:00:00.250",
        ["Crm:Fleet:MemberTimeout"] = "00:00:10", // a test process busy with the rest of the suite may renew late; a lapsed member's slots go to the others
    };
}
