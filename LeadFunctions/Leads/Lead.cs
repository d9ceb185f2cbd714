namespace LeadFunctions.Leads;

/// <summary>A marketplace lead after normalisation: canonical property names, strings only, nulls removed.</summary>
/// <param name="Canonical">The normalised payload (canonical names, unknown properties kept); the lead id is its hash.</param>
public sealed record Lead(
    string? ActionCode,
    string? OfferTitle,
    LeadSource Source,
    string? Description,
    CustomerDetails Customer,
    JsonObject Canonical)
{
    /// <summary>True for the leads Partner Center sends on "Validate" (every name field <c>MSFT_TEST_&lt;digits&gt;</c>).</summary>
    public bool IsTestLead => TestLeadMarker.IsTestLead(this);

    /// <summary>The action code in words, e.g. <c>PLT</c> → "Contact me"; unknown codes are returned as they are.</summary>
    public string? ActionDescription => LeadActions.Describe(ActionCode);

    /// <summary>Action <c>DNC</c>, in <c>ActionCode</c> or the lead source; delivered with do-not-contact set (docs/lead.md).</summary>
    public bool DoNotContact => LeadActions.IsDoNotContact(ActionCode) || LeadActions.IsDoNotContact(Source.Action);

    public LeadCampaign Campaign => LeadCampaign.Parse(Description);

    /// <summary>A field by its path, case-insensitively, or a derived field (docs/lead.md, "Fields a mapping can name").</summary>
    public string? Field(string path)
    {
        switch (path.ToUpperInvariant())
        {
            case "LEADSOURCE.SOURCE": return Source.Source;
            case "LEADSOURCE.ACTION": return Source.Action;
            case "LEADSOURCE.OFFER": return Source.Offer;
            case "LEADSOURCE.OFFERID": return Source.OfferId;
            case "LEADSOURCE.PUBLISHERID": return Source.PublisherId;
            case "ACTIONDESCRIPTION": return ActionDescription;
            case "CAMPAIGN": return Campaign.CodesText;
            case var campaign when campaign.StartsWith("CAMPAIGN.", StringComparison.Ordinal): return Campaign.Parameter(path["Campaign.".Length..]);
        }

        var node = Node(path);
        return node is JsonValue value && value.TryGetValue(out string? text) ? text : node is null ? null : ReadableJson.Write(node);
    }

    public JsonNode? Node(string path)
    {
        JsonNode? node = Canonical;
        foreach (var segment in path.Split('.'))
        {
            if (node is not JsonObject obj) return null;
            node = obj.FirstOrDefault(p => string.Equals(p.Key, segment, StringComparison.OrdinalIgnoreCase)).Value;
        }

        return node;
    }
}
