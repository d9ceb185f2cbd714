using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.HubSpot;

namespace LeadFunctions.Tests.Destinations.HubSpot;

/// <summary>The HubSpot destination as the app wires it (<see cref="HubSpotExtensions.AddHubSpot"/>), pointed at a <see cref="FakeHubSpot"/>.</summary>
public sealed class HubSpotHarness : DestinationHarness<CrmDestination<HubSpotProtocol>>
{
    private HubSpotHarness(Dictionary<string, string?> settings)
        : base(settings, (collection, configuration) => collection.AddHubSpot(configuration), null)
    {
    }

    /// <summary>Settings a test starts from: the fake's token, the quick timeouts of every harness.</summary>
    public static Dictionary<string, string?> SettingsFor(FakeHubSpot fake) => QuickSettings("HubSpot", new Dictionary<string, string?>
    {
        ["Url"] = fake.Url.ToString(),
        ["AccessToken"] = FakeHubSpot.AccessToken,
    });

    public static HubSpotHarness Create(FakeHubSpot fake, Action<Dictionary<string, string?>>? settings = null)
    {
        var all = SettingsFor(fake);
        settings?.Invoke(all);
        return new HubSpotHarness(all);
    }
}
