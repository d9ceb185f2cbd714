using LeadFunctions.Delivery;
using LeadFunctions.Storage;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Cli.Storage;

/// <summary>The app's storage types (queue clients, lead queue, delivery journal), composed by the app's own registrations.</summary>
internal sealed class StorageConnection : IDisposable
{
    private readonly ServiceProvider _services;

    private StorageConnection(ServiceProvider services)
    {
        _services = services;
        Storage = services.GetRequiredService<LeadStorage>();
        Queue = services.GetRequiredService<LeadQueue>();
        Journal = services.GetRequiredService<DeliveryJournal>();
        JournalTable = services.GetRequiredService<IOptions<DeliveryOptions>>().Value.JournalTable is { Length: > 0 } table ? table : null;
    }

    public LeadStorage Storage { get; }

    public LeadQueue Queue { get; }

    public DeliveryJournal Journal { get; }

    /// <summary>The journal's table; null when the journal is turned off (<c>Delivery__JournalTable</c> empty).</summary>
    public string? JournalTable { get; }

    /// <summary>The account and its endpoint, for the operator to see where the CLI looked (never the key).</summary>
    public string Account => $"{Storage.LeadQueue.AccountName} ({Storage.LeadQueue.Uri.GetLeftPart(UriPartial.Authority)})";

    public static StorageConnection Open(IConfiguration configuration, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddLogging();   // no providers: the command's own output says what happened
        services.AddSingleton(time);
        services.AddLeadStorage(configuration);
        services.AddDelivery(configuration);
        var provider = services.BuildServiceProvider();
        try
        {
            return new StorageConnection(provider);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    public void Dispose() => _services.Dispose();
}
