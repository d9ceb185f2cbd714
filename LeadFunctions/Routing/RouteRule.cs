namespace LeadFunctions.Routing;

/// <summary>
/// One rule of <c>Routes__&lt;n&gt;__…</c> (docs/destinations.md, "Routes"). Each condition lists patterns separated by
/// <c>;</c> (<c>*</c> and <c>?</c> as wildcards, any case); a lead matches when every condition set has a matching pattern.
/// </summary>
public sealed class RouteRule
{
    /// <summary>The rule's name in envelopes, logs and the CLI; <c>route-&lt;n&gt;</c> when not set.</summary>
    public string? Name { get; set; }

    /// <summary>Matches the offer's title, or the offer part of the lead source (<c>publisher.offer</c> or its offer id).</summary>
    public string? Offer { get; set; }

    /// <summary>Matches the action code (<c>PLT</c>), its words (<c>Contact me</c>) or the action part of the lead source.</summary>
    public string? Action { get; set; }

    /// <summary>Matches the lead source (<c>AzureMarketplace</c>, <c>SPZA</c>) or the marketplace in words (<c>AppSource</c>).</summary>
    public string? Source { get; set; }

    /// <summary>Matches the customer's country as the lead gives it (e.g. <c>US</c>).</summary>
    public string? Country { get; set; }

    /// <summary>True: only Partner Center's test leads; false: never them.</summary>
    public bool? TestLead { get; set; }

    /// <summary>True: only do-not-contact leads; false: never them.</summary>
    public bool? DoNotContact { get; set; }

    /// <summary>Where a matching lead goes: destination names separated by <c>;</c>.</summary>
    [Required]
    public string? Destinations { get; set; }
}
