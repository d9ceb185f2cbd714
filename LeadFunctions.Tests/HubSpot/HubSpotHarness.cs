using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.HubSpot;
using LeadFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.HubSpot;

/// <summary>The HubSpot destination as the app wires it (<see cref="HubSpotExtensions.AddHubSpot"/>), pointed at a <see cref="FakeHubSpot"/>.</summary>
public sealed class HubSpotHarness : IAsyncDisposable
{
    private HubSpotHarness(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    public HubSpotDestination Destination => Services.GetRequiredService<HubSpotDestination>();

    public DestinationThrottle Throttle => Services.GetRequiredKeyedService<DestinationThrottle>(HubSpotFailures.Destination);

    /// <summary>Settings a test starts from: the fake's token, half-second attempts, two quick in-process retries.</summary>
    public static Dictionary<string, string?> SettingsFor(FakeHubSpot fake)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Url"] = fake.Url.ToString(),
            ["AccessToken"] = FakeHubSpot.AccessToken,
            ["Timeout"] = "00:00:00.500",
            ["TotalTimeout"] = "00:00:05",
            ["Retries"] = "2",
            ["RetryDelay"] = "00:00:00.020",
            ["MaxThrottleWait"] = "00:00:05",
        }.ToDictionary(p => "Crm:HubSpot:" + p.Key, p => p.Value);
        settings["Crm:Target"] = "HubSpot";
        return settings;
    }

    public static HubSpotHarness Create(FakeHubSpot fake, Action<Dictionary<string, string?>>? settings = null)
    {
        var all = SettingsFor(fake);
        settings?.Invoke(all);
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        collection.AddSingleton(TimeProvider.System);
        collection.AddHubSpot(new ConfigurationBuilder().AddInMemoryCollection(all).Build());
        return new HubSpotHarness(collection.BuildServiceProvider());
    }

    public Task<LeadFunctions.Delivery.DeliveryOutcome> DeliverAsync(LeadFunctions.Destinations.LeadDelivery delivery) =>
        Destination.DeliverAsync(delivery, CancellationToken.None);

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
