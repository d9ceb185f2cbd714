using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Salesforce;

namespace LeadFunctions.Tests.Destinations.Salesforce;

/// <summary>The Salesforce destination as the app wires it (<see cref="SalesforceExtensions.AddSalesforce"/>), pointed at a <see cref="FakeSalesforce"/>.</summary>
public sealed class SalesforceHarness : DestinationHarness<CrmDestination<SalesforceProtocol>>
{
    private SalesforceHarness(Dictionary<string, string?> settings)
        : base(settings, (collection, configuration) => collection.AddSalesforce(configuration), null)
    {
    }

    /// <summary>Settings a test starts from: the fake's credentials, the quick timeouts of every harness.</summary>
    public static Dictionary<string, string?> SettingsFor(FakeSalesforce fake) => QuickSettings("Salesforce", new Dictionary<string, string?>
    {
        ["Url"] = fake.Url.ToString(),
        ["ClientId"] = FakeSalesforce.ClientId,
        ["ClientSecret"] = FakeSalesforce.ClientSecret,
        ["RequestLimitWait"] = "00:00:01",
    });

    public static SalesforceHarness Create(FakeSalesforce fake, Action<Dictionary<string, string?>>? settings = null)
    {
        var all = SettingsFor(fake);
        settings?.Invoke(all);
        return new SalesforceHarness(all);
    }
}
