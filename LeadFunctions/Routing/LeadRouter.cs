using LeadFunctions.Destinations;
using LeadFunctions.Leads;

namespace LeadFunctions.Routing;

/// <summary>Decides where a lead goes: the first rule that matches it, else <c>Destinations__Default</c>.</summary>
public sealed class LeadRouter
{
    private readonly CompiledRoute[] _routes;
    private readonly RouteDecision _default;

    public LeadRouter(IOptions<RoutesOptions> routes, IOptions<DestinationOptions> destinations)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(destinations);
        _routes = routes.Value.Rules.Select(r => new CompiledRoute(r)).ToArray();
        _default = new RouteDecision(RouteDecision.Default, DestinationOptions.Parse(destinations.Value.Default));
    }

    public RouteDecision Decide(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        foreach (var route in _routes)
        {
            if (route.Matches(lead)) return route.Decision;
        }

        return _default;
    }
}
