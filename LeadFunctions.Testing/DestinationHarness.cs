using LeadFunctions.Delivery;
using LeadFunctions.Destinations;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Testing;

/// <summary>
/// One destination as the app wires it (its <c>Add…</c> extension), without the rest of the app, pointed at a
/// loopback fake with short timeouts. For tests of one delivery at a time; each destination's harness only adds
/// the settings its fake needs.
/// </summary>
public abstract class DestinationHarness<TDestination> : IAsyncDisposable where TDestination : ILeadDestination
{
    protected DestinationHarness(
        Dictionary<string, string?> settings,
        Action<IServiceCollection, IConfiguration> register,
        Action<IServiceCollection>? services)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        collection.AddSingleton(TimeProvider.System);
        register(collection, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services?.Invoke(collection);
        Services = collection.BuildServiceProvider();
    }

    public ServiceProvider Services { get; }

    public CapturedLogs Logs { get; } = new();

    public TDestination Destination => Services.GetRequiredService<TDestination>();

    public DestinationThrottle Throttle => Services.GetRequiredKeyedService<DestinationThrottle>(Destination.Name);

    /// <summary>
    /// The timeouts and retries every harness starts from: two quick in-process retries, and attempts that a loopback
    /// answer never comes close to timing out, however busy the machine (a first request also pays for its connection
    /// and JIT). A test that loses an answer in a timeout sets a shorter one (<see cref="HarnessTimeouts.AnswersLostAfterHalfASecond"/>).
    /// </summary>
    protected static Dictionary<string, string?> QuickSettings(string destination, IDictionary<string, string?> own)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Timeout"] = "00:00:05",
            ["TotalTimeout"] = "00:00:30",
            ["Retries"] = "2",
            ["RetryDelay"] = "00:00:00.020",
            ["MaxThrottleWait"] = "00:00:05",
        };
        foreach (var (key, value) in own) settings[key] = value;
        var all = settings.ToDictionary(p => $"Destinations:{destination}:{p.Key}", p => p.Value);
        all["Destinations:Default"] = destination;
        return all;
    }

    public Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery) => Destination.DeliverAsync(delivery, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
