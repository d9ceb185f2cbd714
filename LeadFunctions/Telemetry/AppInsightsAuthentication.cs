using Azure.Core;
using Azure.Identity;

namespace LeadFunctions.Telemetry;

/// <summary><c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> as the exporters' credential: the host reads it, the exporters
/// do not (docs/design.md, "D7. Telemetry by identity; one trace from host to CRM is not adopted yet").</summary>
public static class AppInsightsAuthentication
{
    public const string Setting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The credential the setting asks for; null when it is not set (instrumentation-key ingestion).</summary>
    /// <exception cref="InvalidOperationException">The setting is set but is not <c>Authorization=AAD[;ClientId=…]</c>.</exception>
    public static TokenCredential? CredentialFrom(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;

        string? authorization = null, clientId = null;
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var (name, text) = equals < 0 ? (part, "") : (part[..equals].Trim(), part[(equals + 1)..].Trim());
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) authorization = text;
            else if (name.Equals("ClientId", StringComparison.OrdinalIgnoreCase)) clientId = text;
            else throw Invalid($"it has an unknown part '{name}'");
        }

        if (!string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase)) throw Invalid("it needs Authorization=AAD");
        if (clientId is not null && !Guid.TryParse(clientId, out _)) throw Invalid("its ClientId is not a client id (a GUID)");

        return new ManagedIdentityCredential(clientId is null
            ? ManagedIdentityId.SystemAssigned
            : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }

    private static InvalidOperationException Invalid(string why) =>
        new($"{Setting} must be 'Authorization=AAD' or 'Authorization=AAD;ClientId=<client id of a user-assigned identity>': {why}.");
}
