using LeadFunctions.Destinations.Http;
using LeadFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeadFunctions.Tests.Destinations.Chat;

/// <summary>
/// A chat destination as the app wires it (its <c>Add…</c> extension and the app's storage, for the sent marks), pointed at a
/// loopback webhook fake and at Azurite, with a sent-marks table of its own unless the test names one.
/// </summary>
public sealed class ChatHarness<TProtocol>(
    string destination, FakeChat fake, Azurite azurite, Action<IServiceCollection, IConfiguration> add,
    Action<Dictionary<string, string?>>? settings = null)
    : DestinationHarness<CrmDestination<TProtocol>>(SettingsFor(destination, fake, azurite, settings), (collection, configuration) =>
    {
        collection.AddLeadStorage(configuration);
        add(collection, configuration);
    }, null)
    where TProtocol : ICrmProtocol
{
    /// <summary>The fake's webhook URL, storage, a fresh sent-marks table, the quick timeouts; then the test's own settings.</summary>
    private static Dictionary<string, string?> SettingsFor(
        string destination, FakeChat fake, Azurite azurite, Action<Dictionary<string, string?>>? own)
    {
        var settings = QuickSettings(destination, new Dictionary<string, string?>
        {
            ["Url"] = fake.WebhookUrl.ToString(),
            ["SentTable"] = TestNames.Table(),
        });
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        own?.Invoke(settings);
        return settings;
    }
}
