using System.Text.Json.Nodes;

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

    /// <summary>
    /// A field by its path in the payload, e.g. <c>OfferTitle</c> or <c>UserDetails.Email</c>, matched case-insensitively;
    /// also the derived fields <c>LeadSource.Source</c>, <c>LeadSource.Action</c>, <c>LeadSource.Offer</c>, <c>ActionDescription</c>.
    /// </summary>
    public string? Field(string path)
    {
        switch (path.ToUpperInvariant())
        {
            case "LEADSOURCE.SOURCE": return Source.Source;
            case "LEADSOURCE.ACTION": return Source.Action;
            case "LEADSOURCE.OFFER": return Source.Offer;
            case "ACTIONDESCRIPTION": return ActionDescription;
        }

        JsonNode? node = Canonical;
        foreach (var segment in path.Split('.'))
        {
            if (node is not JsonObject obj) return null;
            node = obj.FirstOrDefault(p => string.Equals(p.Key, segment, StringComparison.OrdinalIgnoreCase)).Value;
        }

        return node is JsonValue value && value.TryGetValue(out string? text) ? text : node?.ToJsonString();
    }
}

/// <summary>The <c>UserDetails</c> of a lead. Any field may be missing (e.g. <c>.edu</c> customers).</summary>
public sealed record CustomerDetails(
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? Country,
    string? Company,
    string? Title);
