using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.HubSpot;

public static class HubSpotExtensions
{
    public static IServiceCollection AddHubSpot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HubSpotToken>();
        services.AddOptions<HubSpotOptions>().Bind(configuration.GetSection(HubSpotOptions.Section));
        return services.AddCrmDestination<HubSpotSettings, HubSpotProtocol, HubSpotToken>(HubSpotProtocol.Name);
    }
}
