using System.Globalization;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.Dataverse;

/// <summary>
/// The Dataverse destination as the app wires it (<see cref="DataverseExtensions.AddDataverse"/>), without the rest of
/// the app, pointed at a <see cref="FakeDataverse"/> with short timeouts. For tests of one delivery at a time.
/// </summary>
public sealed class DataverseHarness : IAsyncDisposable
{
    private DataverseHarness(ServiceProvider services, CapturedLogs logs)
    {
        Services = services;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public CapturedLogs Logs { get; }

    public DataverseDestination Destination => Services.GetRequiredService<DataverseDestination>();

    public DestinationThrottle Throttle => Services.GetRequiredKeyedService<DestinationThrottle>(DataverseDestination.HttpClientName);

    /// <summary>Settings a test starts from: no token, half-second attempts, two quick in-process retries.</summary>
    public static Dictionary<string, string?> SettingsFor(FakeDataverse fake) => new()
    {
        ["Crm:Dataverse:Url"] = fake.Url.ToString(),
        ["Crm:Dataverse:Credential"] = "None",
        ["Crm:Dataverse:Timeout"] = "00:00:00.500",
        ["Crm:Dataverse:TotalTimeout"] = "00:00:10",
        ["Crm:Dataverse:Retries"] = "2",
        ["Crm:Dataverse:RetryDelay"] = "00:00:00.020",
        ["Crm:Dataverse:MaxThrottleWait"] = "00:00:05",
    };

    public static DataverseHarness Create(FakeDataverse fake, Action<Dictionary<string, string?>>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = SettingsFor(fake);
        settings?.Invoke(all);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var logs = new CapturedLogs();
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        collection.AddSingleton(TimeProvider.System);
        collection.AddDataverse(configuration);
        services?.Invoke(collection);
        return new DataverseHarness(collection.BuildServiceProvider(), logs);
    }

    public Task<LeadFunctions.Delivery.DeliveryOutcome> DeliverAsync(LeadFunctions.Destinations.LeadDelivery delivery) =>
        Destination.DeliverAsync(delivery, CancellationToken.None);

    /// <summary>Runs the start-up connection check to its end.</summary>
    public async Task RunConnectionCheckAsync()
    {
        var check = Services.GetServices<IHostedService>().OfType<DataverseConnectionCheck>().Single();
        await check.StartAsync(CancellationToken.None);
        await check.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public static string Seconds(double seconds) => TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
