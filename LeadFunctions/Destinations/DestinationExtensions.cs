using LeadFunctions.Destinations.AzureTable;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits.Fleet;
using LeadFunctions.Destinations.HubSpot;
using LeadFunctions.Destinations.Salesforce;
using LeadFunctions.Destinations.Webhook;
using LeadFunctions.Destinations.Slack;
using LeadFunctions.Destinations.Teams;

namespace LeadFunctions.Destinations;

public static class DestinationExtensions
{
    /// <summary>Each destination by its <c>Destinations__Default</c> name, and how to add it.</summary>
    private static readonly Dictionary<string, Func<IServiceCollection, IConfiguration, Func<IServiceProvider, ILeadDestination>>> Known =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["Table"] = (_, _) => sp => sp.GetRequiredService<AzureTableDestination>(),
            ["Dataverse"] = (services, configuration) =>
            {
                services.AddDataverse(configuration);
                return sp => sp.GetRequiredService<CrmDestination<DataverseProtocol>>();
            },
            ["Salesforce"] = (services, configuration) =>
            {
                services.AddSalesforce(configuration);
                return sp => sp.GetRequiredService<CrmDestination<SalesforceProtocol>>();
            },
            ["HubSpot"] = (services, configuration) =>
            {
                services.AddHubSpot(configuration);
                return sp => sp.GetRequiredService<CrmDestination<HubSpotProtocol>>();
            },
            ["Webhook"] = (services, configuration) =>
            {
                services.AddWebhook(configuration);
                return sp => sp.GetRequiredService<CrmDestination<WebhookProtocol>>();
            },
            ["Teams"] = (services, configuration) =>
            {
                services.AddTeams(configuration);
                return sp => sp.GetRequiredService<CrmDestination<TeamsProtocol>>();
            },
            ["Slack"] = (services, configuration) =>
            {
                services.AddSlack(configuration);
                return sp => sp.GetRequiredService<CrmDestination<SlackProtocol>>();
            },
        };

    /// <summary>The names of the destinations this app knows, for checking settings that name them.</summary>
    public static IReadOnlyCollection<string> KnownNames => Known.Keys;

    /// <summary>
    /// Registers <paramref name="names"/> (<c>Destinations__Default</c>'s first, then the routes'), each as a keyed
    /// <see cref="ILeadDestination"/>, all of them as <see cref="LeadDestinations"/>. With one, that one is also the plain
    /// <see cref="ILeadDestination"/>, which tests may replace.
    /// </summary>
    public static IServiceCollection AddDestinations(
        this IServiceCollection services, IConfiguration configuration, IEnumerable<string>? names = null)
    {
        services.Configure<DestinationOptions>(configuration.GetSection(DestinationOptions.Section));
        services.Configure<FleetOptions>(configuration.GetSection(FleetOptions.Section)); // how instances share each CRM user's limits
        services.Configure<AzureTableOptions>(configuration.GetSection(AzureTableOptions.Section));
        services.AddSingleton<AzureTableDestination>();

        var targets = (names ?? DestinationOptions.Parse(configuration[$"{DestinationOptions.Section}:Default"]))
            .Select(target => Known.Keys.FirstOrDefault(k => string.Equals(k, target, StringComparison.OrdinalIgnoreCase)) ?? target)
            .ToList();
        foreach (var target in targets)
        {
            var resolve = Known.TryGetValue(target, out var add)
                ? add(services, configuration)
                : _ => new UnknownDestination(target, Known.Keys);
            services.AddKeyedSingleton(target, (sp, _) => resolve(sp));
        }

        var defaults = DestinationOptions.Parse(configuration[$"{DestinationOptions.Section}:Default"]);
        if (targets.Count == 1) services.AddSingleton(sp => sp.GetRequiredKeyedService<ILeadDestination>(targets[0]));
        services.AddSingleton(sp =>
        {
            if (targets.Count == 1) return new LeadDestinations([sp.GetRequiredService<ILeadDestination>()]);
            var all = targets.Select(t => sp.GetRequiredKeyedService<ILeadDestination>(t)).ToList();
            return new LeadDestinations(all, all.Where(d => defaults.Contains(d.Name, StringComparer.OrdinalIgnoreCase)).ToList());
        });
        return services;
    }
}
