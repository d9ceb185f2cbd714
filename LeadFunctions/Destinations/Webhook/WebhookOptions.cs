using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Webhook;

/// <summary>
/// Settings of the webhook destination (<c>Destinations__Webhook__…</c>, docs/destinations.md, "Webhook"), besides the shared
/// ones. Neither value is ever repeated in a problem: a receiver's URL often carries its own secret (a path or <c>?sig=</c>).
/// </summary>
public sealed class WebhookOptions : CrmHttpOptions
{
    public const string Section = "Destinations:" + WebhookProtocol.Name;

    /// <summary>The spec's shortest and longest signing key, in bytes.</summary>
    public const int MinSecretBytes = 24, MaxSecretBytes = 64;

    /// <summary>Where each lead is posted: an https URL (any path and query); plain http only on loopback.</summary>
    public string? Url { get; set; }

    /// <summary>One <c>whsec_</c> secret, or two separated by a space while rotating (each signs; the receiver may check either).</summary>
    public string? Secret { get; set; }

    public override string Name => WebhookProtocol.Name;

    protected override (int Most, string Limit) ConcurrencyLimit => (64, "a receiver is often a small service or an automation flow");

    public override FieldMapping? TryCreateMapping(out IReadOnlyList<string> problems) => WebhookMapping.TryCreate(this, out problems);

    /// <summary>The secrets as given (one or two), split on white space.</summary>
    public IReadOnlyList<string> Secrets => (Secret ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UrlProblem() is { } url) yield return Problem(url, nameof(Url));
        foreach (var secret in SecretProblems()) yield return Problem(secret, nameof(Secret));
        foreach (var shared in base.Validate(validationContext)) yield return shared;
    }

    private string? UrlProblem()
    {
        var setting = Setting(nameof(Url));
        if (string.IsNullOrWhiteSpace(Url)) return $"{setting} is missing: set it to the https URL that receives the leads.";
        if (!Uri.TryCreate(Url.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return $"{setting} is not an absolute https URL such as https://hooks.example.com/leads.";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback) return $"{setting} must use https (plain http only for a receiver on this machine).";
        return url.UserInfo.Length > 0 ? $"{setting} must not hold a user name or password: the signature authenticates each request." : null;
    }

    private IEnumerable<string> SecretProblems()
    {
        var setting = Setting(nameof(Secret));
        var secrets = Secrets;
        if (secrets.Count == 0)
        {
            yield return $"{setting} is missing: set it to a signing secret such as whsec_ followed by {MinSecretBytes} to {MaxSecretBytes} " +
                "random bytes in base64 (two, separated by a space, while rotating).";
            yield break;
        }

        if (secrets.Count > 2) yield return $"{setting} holds {secrets.Count} secrets: give one, or two separated by a space while rotating.";
        for (var i = 0; i < secrets.Count; i++)
        {
            var which = secrets.Count == 1 ? "" : $" (secret {i + 1})";
            if (!secrets[i].StartsWith(WebhookSettings.SecretPrefix, StringComparison.Ordinal))
            {
                yield return $"{setting}{which} does not start with {WebhookSettings.SecretPrefix}: give a Standard Webhooks secret, whsec_<base64>.";
            }
            else if (WebhookSettings.KeyOf(secrets[i]) is not { } key)
            {
                yield return $"{setting}{which} is not base64 after {WebhookSettings.SecretPrefix}.";
            }
            else if (key.Length is < MinSecretBytes or > MaxSecretBytes)
            {
                yield return $"{setting}{which} is {key.Length} bytes after {WebhookSettings.SecretPrefix}: give {MinSecretBytes} to " +
                    $"{MaxSecretBytes} random bytes.";
            }
        }
    }
}
