using System.Text.RegularExpressions;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>
/// The Salesforce settings as read once at start (<see cref="CrmSettings{TOptions}"/>), with the REST API root
/// (<c>{Url}/services/data/v62.0/</c>), the token endpoint and the field that holds the lead id.
/// </summary>
public sealed partial class SalesforceSettings : CrmSettings<SalesforceOptions>
{
    public SalesforceSettings(IOptions<SalesforceOptions> options)
        : base(SalesforceFailures.Destination, options, Validate, "durations are like 00:02:00.")
    {
        if (Problem is not null) return;
        var domain = new Uri(new Uri(Options.Url!.Trim()).GetLeftPart(UriPartial.Authority));
        ApiRoot = new Uri(domain, $"services/data/v{Options.ApiVersion}/");
        TokenEndpoint = new Uri(domain, "services/oauth2/token");
        LeadIdField = LeadIdFieldOf(Options)!;
        UsesExternalId = !string.IsNullOrWhiteSpace(Options.ExternalIdField);
    }

    public Uri TokenEndpoint { get; } = new("https://unconfigured.invalid/services/oauth2/token");

    /// <summary>Salesforce counts its API limits per org (daily requests, concurrent long-running requests), whichever connected app sends them.</summary>
    public override string LimitOwner => ApiRoot.Authority;

    /// <summary>The field that holds the lead id: the external-id field, else the plain lead-id field.</summary>
    public string LeadIdField { get; } = "";

    /// <summary>True: upsert by the external-id field. False: SOQL for the lead id, then create.</summary>
    public bool UsesExternalId { get; }

    public static string? LeadIdFieldOf(SalesforceOptions options) =>
        !string.IsNullOrWhiteSpace(options.ExternalIdField) ? options.ExternalIdField.Trim()
        : !string.IsNullOrWhiteSpace(options.LeadIdField) ? options.LeadIdField.Trim()
        : null;

    public static IEnumerable<string> Validate(SalesforceOptions options, out FieldMapping? mapping)
    {
        var problems = new List<string>();
        if (CrmHttpOptions.UrlProblem("Crm__Salesforce__Url", options.Url, "the org's My Domain URL", "https://contoso.my.salesforce.com") is { } url) problems.Add(url);
        if (string.IsNullOrWhiteSpace(options.ClientId)) problems.Add("Crm__Salesforce__ClientId is missing: the consumer key of the connected app with the client credentials flow.");
        if (string.IsNullOrWhiteSpace(options.ClientSecret)) problems.Add("Crm__Salesforce__ClientSecret is missing: the consumer secret of the connected app (a Key Vault reference in Azure).");
        if (!ApiVersion().IsMatch(options.ApiVersion ?? "")) problems.Add($"Crm__Salesforce__ApiVersion '{options.ApiVersion}' is not a REST API version such as 62.0.");

        var external = !string.IsNullOrWhiteSpace(options.ExternalIdField);
        var plain = !string.IsNullOrWhiteSpace(options.LeadIdField);
        if (!external && !plain)
        {
            problems.Add("Crm__Salesforce__ExternalIdField is empty and no Crm__Salesforce__LeadIdField is set: without a Lead field that holds the lead id, a lead could be created twice.");
        }
        else if (external && plain)
        {
            problems.Add("Set either Crm__Salesforce__ExternalIdField (upsert by an External ID field) or Crm__Salesforce__LeadIdField (look up, then create), not both.");
        }
        else if (!SalesforceMapping.FieldApiName().IsMatch(LeadIdFieldOf(options)!))
        {
            problems.Add($"Crm__Salesforce__{(external ? "ExternalIdField" : "LeadIdField")} '{LeadIdFieldOf(options)}' is not a field API name such as Marketplace_Lead_Id__c.");
        }

        if (options.TokenLifetime <= TimeSpan.Zero) problems.Add("Crm__Salesforce__TokenLifetime must be positive.");
        if (options.RequestLimitWait < TimeSpan.Zero) problems.Add("Crm__Salesforce__RequestLimitWait must not be negative.");
        problems.AddRange(options.SharedProblems(SalesforceFailures.Destination, 25, "Salesforce's concurrent-request limit per org"));

        mapping = SalesforceMapping.TryCreate(options, out var mappingProblems);
        problems.AddRange(mappingProblems);
        return problems;
    }

    [GeneratedRegex(@"^\d{2,3}\.\d$")]
    private static partial Regex ApiVersion();
}
