using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Salesforce;
using LeadFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.Salesforce;

/// <summary>The Salesforce destination as the app wires it (<see cref="SalesforceExtensions.AddSalesforce"/>), pointed at a <see cref="FakeSalesforce"/>.</summary>
public sealed class SalesforceHarness : IAsyncDisposable
{
    private SalesforceHarness(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    public SalesforceDestination Destination => Services.GetRequiredService<SalesforceDestination>();

    public DestinationThrottle Throttle => Services.GetRequiredKeyedService<DestinationThrottle>(SalesforceFailures.Destination);

    /// <summary>Settings a test starts from: the fake's credentials, half-second attempts, two quick in-process retries.</summary>
    public static Dictionary<string, string?> SettingsFor(FakeSalesforce fake, string prefix = "Crm:Salesforce:")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Url"] = fake.Url.ToString(),
            ["ClientId"] = FakeSalesforce.ClientId,
            ["ClientSecret"] = FakeSalesforce.ClientSecret,
            ["Timeout"] = "00:00:00.500",
            ["TotalTimeout"] = "00:00:05",
            ["Retries"] = "2",
            ["RetryDelay"] = "00:00:00.020",
            ["MaxThrottleWait"] = "00:00:05",
            ["RequestLimitWait"] = "00:00:01",
        }.ToDictionary(p => prefix + p.Key, p => p.Value);
        settings["Crm:Target"] = "Salesforce";
        return settings;
    }

    public static SalesforceHarness Create(FakeSalesforce fake, Action<Dictionary<string, string?>>? settings = null)
    {
        var all = SettingsFor(fake);
        settings?.Invoke(all);
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        collection.AddSingleton(TimeProvider.System);
        collection.AddSalesforce(new ConfigurationBuilder().AddInMemoryCollection(all).Build());
        return new SalesforceHarness(collection.BuildServiceProvider());
    }

    public Task<LeadFunctions.Delivery.DeliveryOutcome> DeliverAsync(LeadFunctions.Destinations.LeadDelivery delivery) =>
        Destination.DeliverAsync(delivery, CancellationToken.None);

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
