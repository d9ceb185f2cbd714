using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Salesforce;

public sealed class SalesforceSettings : CrmSettings<SalesforceOptions>
{
    public SalesforceSettings(IOptions<SalesforceOptions> options)
        : base(options, "durations are like 00:02:00.")
    {
        if (Problem is not null) return;
        var domain = new Uri(new Uri(Options.Url!.Trim()).GetLeftPart(UriPartial.Authority));
        ApiRoot = new Uri(domain, $"services/data/v{Options.ApiVersion}/");
        TokenEndpoint = new Uri(domain, "services/oauth2/token");
        LeadIdField = LeadIdFieldOf(Options)!;
        UsesExternalId = !string.IsNullOrWhiteSpace(Options.ExternalIdField);
    }

    public Uri TokenEndpoint { get; } = new("https://unconfigured.invalid/services/oauth2/token");

    /// <summary>Salesforce counts its API limits per org (daily and concurrent requests), whichever connected app sends them.</summary>
    public override string LimitOwner => ApiRoot.Authority;

    public string LeadIdField { get; } = "";

    /// <summary>True: upsert by the external-id field. False: SOQL for the lead id, then create.</summary>
    public bool UsesExternalId { get; }

    public static string? LeadIdFieldOf(SalesforceOptions options) =>
        !string.IsNullOrWhiteSpace(options.ExternalIdField) ? options.ExternalIdField.Trim()
        : !string.IsNullOrWhiteSpace(options.LeadIdField) ? options.LeadIdField.Trim()
        : null;
}
