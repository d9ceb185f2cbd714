using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>
/// Settings of the Salesforce destination (<c>Crm__Salesforce__…</c>); see docs/destinations.md. The shared ones
/// (<see cref="CrmHttpOptions"/>) apply too, with the mapping of <see cref="SalesforceMapping"/>.
/// </summary>
public sealed class SalesforceOptions : CrmHttpOptions
{
    public const string Section = "Crm:Salesforce";

    /// <summary>Salesforce's limit of 25 concurrent long-running requests per org, for all instances together.</summary>
    public SalesforceOptions() => FleetMaxConcurrency = 25;

    /// <summary>The org's My Domain URL, e.g. <c>https://contoso.my.salesforce.com</c>: token endpoint and REST API.</summary>
    public string? Url { get; set; }

    /// <summary>The consumer key of the connected app (or external client app) with the client credentials flow.</summary>
    public string? ClientId { get; set; }

    /// <summary>Its consumer secret; in Azure a Key Vault reference, never a value in the repo.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The REST API version, e.g. <c>62.0</c>.</summary>
    public string ApiVersion { get; set; } = "62.0";

    /// <summary>
    /// The Lead field that holds the lead id, created by the admin as Text(64), External ID, Unique: each lead is
    /// found and upserted by it. Empty to use <see cref="LeadIdField"/> instead.
    /// </summary>
    public string? ExternalIdField { get; set; } = "Marketplace_Lead_Id__c";

    /// <summary>
    /// Only without an <see cref="ExternalIdField"/>: a Lead text field that holds the lead id (filterable, ideally
    /// Unique), looked up with SOQL before the lead is created.
    /// </summary>
    public string? LeadIdField { get; set; }

    /// <summary>How long a token is used before a new one is asked for (Salesforce does not say; a 401 renews it at once).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long every worker stops sending after <c>REQUEST_LIMIT_EXCEEDED</c> (the org's API request limit).</summary>
    public TimeSpan RequestLimitWait { get; set; } = TimeSpan.FromMinutes(15);
}
