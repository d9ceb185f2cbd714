using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Settings;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>Settings of the Salesforce destination (<c>Destinations__Salesforce__…</c>, docs/destinations.md), besides the shared ones.</summary>
public sealed partial class SalesforceOptions : CrmHttpOptions
{
    public const string Section = "Destinations:" + SalesforceProtocol.Name;

    /// <summary>Salesforce's limit of 25 concurrent long-running requests per org, for all instances together.</summary>
    public SalesforceOptions() => FleetMaxConcurrency = 25;

    [CrmUrl("Destinations__Salesforce__Url", "the org's My Domain URL", "https://contoso.my.salesforce.com")]
    public string? Url { get; set; }

    /// <summary>The consumer key of the connected app (or external client app) with the client credentials flow.</summary>
    [Required(ErrorMessage = "Destinations__Salesforce__ClientId is missing: the consumer key of the connected app with the client credentials " +
        "flow.")]
    public string? ClientId { get; set; }

    /// <summary>Its consumer secret; in Azure a Key Vault reference, never a value in the repo.</summary>
    [Required(ErrorMessage = "Destinations__Salesforce__ClientSecret is missing: the consumer secret of the connected app (a Key Vault reference " +
        "in Azure).")]
    public string? ClientSecret { get; set; }

    public string ApiVersion { get; set; } = "62.0";

    /// <summary>The Lead field that holds the lead id (Text(64), External ID, Unique); empty to use <see cref="LeadIdField"/> instead.</summary>
    public string? ExternalIdField { get; set; } = "Marketplace_Lead_Id__c";

    /// <summary>Only without an <see cref="ExternalIdField"/>: a Lead text field that holds the lead id, looked up with SOQL.</summary>
    public string? LeadIdField { get; set; }

    /// <summary>How long a token is used before a new one is asked for (Salesforce does not say; a 401 renews it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00", ValidatedOptions.LongestTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Destinations__Salesforce__TokenLifetime must be positive.")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long every worker stops sending after <c>REQUEST_LIMIT_EXCEEDED</c> (the org's API request limit).</summary>
    [Range(typeof(TimeSpan), "00:00:00", ValidatedOptions.LongestTimeSpan,
        ErrorMessage = "Destinations__Salesforce__RequestLimitWait must not be negative.")]
    public TimeSpan RequestLimitWait { get; set; } = TimeSpan.FromMinutes(15);

    public override string Name => SalesforceProtocol.Name;

    protected override (int Most, string Limit) ConcurrencyLimit => (25, "Salesforce's concurrent-request limit per org");

    public override FieldMapping? TryCreateMapping(out IReadOnlyList<string> problems) => SalesforceMapping.TryCreate(this, out problems);

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ApiVersionFormat().IsMatch(ApiVersion ?? ""))
        {
            yield return Problem($"{Setting(nameof(ApiVersion))} '{ApiVersion}' is not a REST API version such as 62.0.", nameof(ApiVersion));
        }

        var external = !string.IsNullOrWhiteSpace(ExternalIdField);
        var plain = !string.IsNullOrWhiteSpace(LeadIdField);
        if (!external && !plain)
        {
            yield return Problem(
                $"{Setting(nameof(ExternalIdField))} is empty and no {Setting(nameof(LeadIdField))} is set: without a Lead field that holds the " +
                    "lead id, a lead could be created twice.",
                nameof(ExternalIdField));
        }
        else if (external && plain)
        {
            yield return Problem(
                $"Set either {Setting(nameof(ExternalIdField))} (upsert by an External ID field) or {Setting(nameof(LeadIdField))} (look up, then " +
                    "create), not both.",
                nameof(LeadIdField));
        }
        else if (SalesforceSettings.LeadIdFieldOf(this) is { } field && !SalesforceMapping.FieldApiName().IsMatch(field))
        {
            var name = external ? nameof(ExternalIdField) : nameof(LeadIdField);
            yield return Problem($"{Setting(name)} '{field}' is not a field API name such as Marketplace_Lead_Id__c.", name);
        }

        foreach (var shared in base.Validate(validationContext)) yield return shared;
    }

    [GeneratedRegex(@"^\d{2,3}\.\d$")]
    private static partial Regex ApiVersionFormat();
}
