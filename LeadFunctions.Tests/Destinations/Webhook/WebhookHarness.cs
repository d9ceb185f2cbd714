using Microsoft.Extensions.DependencyInjection;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Webhook;

namespace LeadFunctions.Tests.Destinations.Webhook;

/// <summary>
/// The webhook destination as the app wires it (<see cref="WebhookExtensions.AddWebhook"/>), posting to a
/// <see cref="FakeWebhookReceiver"/>.
/// </summary>
public sealed class WebhookHarness : DestinationHarness<CrmDestination<WebhookProtocol>>
{
    /// <summary>A secret as a receiver's dashboard hands it out: whsec_ and 32 random bytes in base64.</summary>
    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    /// <summary>The next secret, during a rotation.</summary>
    public static readonly string NextSecret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(255 - i)).ToArray());

    /// <summary>The path of the receiver's URL, secret like many automation tools' URLs: it must never reach a log.</summary>
    public const string SecretPath = "hooks/catch/4711/s3cr3tpath";

    private WebhookHarness(Dictionary<string, string?> settings, TimeProvider? time)
        : base(settings, (collection, configuration) => collection.AddWebhook(configuration),
            collection =>
            {
                if (time is not null) collection.AddSingleton(time);
            })
    {
    }

    /// <summary>Settings a test starts from: the fake's URL with a path and a query, one secret, the quick timeouts of every harness.</summary>
    public static Dictionary<string, string?> SettingsFor(FakeWebhookReceiver fake) => QuickSettings("Webhook", new Dictionary<string, string?>
    {
        ["Url"] = $"{fake.Url}{SecretPath}?sig=querysecret",
        ["Secret"] = Secret,
    });

    public static WebhookHarness Create(FakeWebhookReceiver fake, Action<Dictionary<string, string?>>? settings = null, TimeProvider? time = null)
    {
        var all = SettingsFor(fake);
        settings?.Invoke(all);
        return new WebhookHarness(all, time);
    }
}
