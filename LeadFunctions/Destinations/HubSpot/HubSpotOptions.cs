using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>Settings of the HubSpot destination (<c>Destinations__HubSpot__…</c>, docs/destinations.md), besides the shared ones.</summary>
public sealed class HubSpotOptions : CrmHttpOptions
{
    public const string Section = "Destinations:" + HubSpotProtocol.Name;

    public HubSpotOptions() => MaxConcurrency = 4;

    /// <summary>The API root; only changed for a local emulator.</summary>
    [CrmUrl("Destinations__HubSpot__Url", "HubSpot's API root", "https://api.hubapi.com")]
    public string Url { get; set; } = "https://api.hubapi.com";

    /// <summary>The private app's access token; a Key Vault reference in Azure.</summary>
    [Required(ErrorMessage = "Destinations__HubSpot__AccessToken is missing: the access token of a private app with the scopes " +
        "crm.objects.contacts.read and crm.objects.contacts.write.")]
    public string? AccessToken { get; set; }

    /// <summary>The custom contact property that holds the lead id: single-line text, "Require unique values" on.</summary>
    public string LeadIdProperty { get; set; } = "marketplace_lead_id";

    /// <summary>True: a do-not-contact lead's address is unsubscribed from all e-mail (needs its own scope).</summary>
    public bool DoNotContactOptOut { get; set; } = true;

    /// <summary>What to do when the lead's e-mail address belongs to a contact that exists already (HubSpot's <c>409</c>).</summary>
    public ExistingContact OnExistingContact { get; set; } = ExistingContact.Delivered;

    public override string Name => HubSpotProtocol.Name;

    protected override (int Most, string Limit) ConcurrencyLimit => (10, "HubSpot counts requests per second per account");

    public override FieldMapping? TryCreateMapping(out IReadOnlyList<string> problems) => HubSpotMapping.TryCreate(this, out problems);

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!HubSpotMapping.PropertyName().IsMatch(LeadIdProperty.Trim().ToLowerInvariant()))
        {
            yield return Problem($"{Setting(nameof(LeadIdProperty))} '{LeadIdProperty}' is not a property internal name such as " +
                "marketplace_lead_id.", nameof(LeadIdProperty));
        }

        foreach (var shared in base.Validate(validationContext)) yield return shared;
    }
}
