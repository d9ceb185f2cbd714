using LeadFunctions.Leads;

namespace LeadFunctions.Routing;

/// <summary>A rule with its patterns parsed once; matching a lead allocates nothing.</summary>
internal sealed class CompiledRoute(RouteRule rule)
{
    private readonly Patterns? _offer = Patterns.Parse(rule.Offer);
    private readonly Patterns? _action = Patterns.Parse(rule.Action);
    private readonly Patterns? _source = Patterns.Parse(rule.Source);
    private readonly Patterns? _country = Patterns.Parse(rule.Country);

    public RouteDecision Decision { get; } = new(rule.Name!, Patterns.Split(rule.Destinations).Distinct(StringComparer.OrdinalIgnoreCase).ToList());

    public bool Matches(Lead lead) =>
        (rule.TestLead is not { } test || lead.IsTestLead == test)
        && (rule.DoNotContact is not { } dnc || lead.DoNotContact == dnc)
        && (_offer is null || _offer.MatchesAny(lead.OfferTitle, lead.Source.Offer, lead.Source.OfferId))
        && (_action is null || _action.MatchesAny(lead.ActionCode, lead.Source.Action, lead.ActionDescription))
        && (_source is null || _source.MatchesAny(lead.Source.Source, lead.Source.Marketplace))
        && (_country is null || _country.MatchesAny(lead.Customer.Country));
}
