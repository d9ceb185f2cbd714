using System.Globalization;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Destinations.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeadFunctions.Tests.Destinations.Dataverse;

/// <summary>The Dataverse destination as the app wires it (<see cref="DataverseExtensions.AddDataverse"/>), pointed at a <see cref="FakeDataverse"/>.</summary>
public sealed class DataverseHarness : DestinationHarness<CrmDestination<DataverseProtocol>>
{
    private DataverseHarness(Dictionary<string, string?> settings, Action<IServiceCollection>? services)
        : base(settings, (collection, configuration) => collection.AddDataverse(configuration), services)
    {
    }

    /// <summary>Settings a test starts from: no token (a local emulator), the quick timeouts of every harness.</summary>
    public static Dictionary<string, string?> SettingsFor(FakeDataverse fake) => QuickSettings("Dataverse", new Dictionary<string, string?>
    {
        ["Url"] = fake.Url.ToString(),
        ["Credential"] = "None",
    });

    public static DataverseHarness Create(FakeDataverse fake, Action<Dictionary<string, string?>>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = SettingsFor(fake);
        settings?.Invoke(all);
        return new DataverseHarness(all, services);
    }

    /// <summary>Runs the start-up connection check to its end.</summary>
    public async Task RunConnectionCheckAsync()
    {
        var check = Services.GetServices<IHostedService>().OfType<DataverseConnectionCheck>().Single();
        await check.StartAsync(CancellationToken.None);
        await check.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public static string Seconds(double seconds) => TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);
}
