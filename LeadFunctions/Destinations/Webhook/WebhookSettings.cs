using LeadFunctions.Destinations.Http;
using StandardWebhooks;

namespace LeadFunctions.Destinations.Webhook;

/// <summary>The webhook settings as read once at start (<see cref="CrmSettings{TOptions}"/>): the receiver's URL and a signer per secret.</summary>
public sealed class WebhookSettings : CrmSettings<WebhookOptions>
{
    public const string SecretPrefix = "whsec_";

    public WebhookSettings(IOptions<WebhookOptions> options)
        : base(options, "durations are like 00:02:00.")
    {
        if (Problem is not null) return;
        Endpoint = new Uri(Options.Url!.Trim());
        ApiRoot = new Uri(Endpoint.GetLeftPart(UriPartial.Authority) + "/");
        Signers = Options.Secrets.Select(secret => new StandardWebhook(secret)).ToList();
    }

    /// <summary>Where each lead is posted.</summary>
    public Uri Endpoint { get; } = new("https://unconfigured.invalid/");

    /// <summary>One signer per secret, in the order given (the new one first or last: the receiver accepts any).</summary>
    public IReadOnlyList<StandardWebhook> Signers { get; } = [];

    /// <summary>A receiver's limit is its own: the whole URL (only a hash of it is stored), not just its host.</summary>
    public override string LimitOwner => Endpoint.AbsoluteUri;

    /// <summary>The key of a <c>whsec_</c> secret, or null when the rest is not base64.</summary>
    public static byte[]? KeyOf(string secret)
    {
        var text = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var key = new byte[(text.Length * 3 / 4) + 3];
        return text.Length > 0 && Convert.TryFromBase64String(text, key, out var written) ? key[..written] : null;
    }
}
