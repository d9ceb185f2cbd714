using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>Settings of the Dataverse destination, <c>Destinations__Dataverse__…</c> (docs/dataverse.md), besides the shared ones.</summary>
public sealed class DataverseOptions : CrmHttpOptions
{
    public const string Section = "Destinations:" + DataverseProtocol.Name;

    /// <summary>Dataverse's limit of 52 concurrent requests per user, for all instances together.</summary>
    public DataverseOptions() => FleetMaxConcurrency = 52;

    [CrmUrl("Destinations__Dataverse__Url", "the environment URL", "https://contoso.crm.dynamics.com", AllowedPath = "/" + DataverseSettings.ApiPath)]
    public string? Url { get; set; }

    public DataverseCredential Credential { get; set; } = DataverseCredential.Default;

    /// <summary>The Entra tenant: required for <c>ClientSecret</c>; optional for <c>Default</c> (developer logins).</summary>
    public string? TenantId { get; set; }

    /// <summary>The app registration's client id for <c>ClientSecret</c>; for <c>Default</c>, a user-assigned identity's (or empty).</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret for <c>ClientSecret</c>; in Azure a Key Vault reference, never a value in the repo.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The <c>leadsourcecode</c> option value of the default mapping (8 = Web in a standard org).</summary>
    public int LeadSourceCode { get; set; } = 8;

    /// <summary>True: duplicate-detection rules are not applied (the Web API default). False: a lead matching a rule is poisoned.</summary>
    public bool SuppressDuplicateDetection { get; set; } = true;

    public override string Name => DataverseProtocol.Name;

    protected override (int Most, string Limit) ConcurrencyLimit => (52, "Dataverse's concurrent-request limit per user");

    public override FieldMapping? TryCreateMapping(out IReadOnlyList<string> problems) => DataverseMapping.TryCreate(this, out problems);

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Credential == DataverseCredential.ClientSecret)
        {
            foreach (var (name, value) in new[] { (nameof(TenantId), TenantId), (nameof(ClientId), ClientId), (nameof(ClientSecret), ClientSecret) })
            {
                if (string.IsNullOrWhiteSpace(value)) yield return Problem($"{Setting(name)} is required with " +
                    $"{Setting(nameof(Credential))}=ClientSecret.", name);
            }
        }

        foreach (var shared in base.Validate(validationContext)) yield return shared;
    }
}
