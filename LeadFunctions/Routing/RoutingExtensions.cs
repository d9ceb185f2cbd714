using LeadFunctions.Destinations;

namespace LeadFunctions.Routing;

public static class RoutingExtensions
{
    /// <summary>
    /// Adds the routes, checked at start (a wrong rule stops the app naming its setting), and returns every destination
    /// name a lead may go to: <c>Destinations__Default</c>'s, then each rule's.
    /// </summary>
    public static IReadOnlyList<string> AddRoutes(this IServiceCollection services, IConfiguration configuration)
    {
        var routes = RoutesOptions.Read(configuration, DestinationExtensions.KnownNames);
        services.AddOptions<RoutesOptions>()
            .Configure(o => (o.Rules, o.Problems) = (routes.Rules, routes.Problems))
            .Validate(o => o.Problems.Count == 0, string.Join(" ", routes.Problems))
            .ValidateOnStart();
        services.AddSingleton<LeadRouter>();
        return DestinationOptions.Parse(configuration[$"{DestinationOptions.Section}:Default"])
            .Concat(routes.Rules.SelectMany(r => Patterns.Split(r.Destinations)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
