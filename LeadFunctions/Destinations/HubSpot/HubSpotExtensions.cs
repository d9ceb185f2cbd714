using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.HubSpot;

public static class HubSpotExtensions
{
    /// <summary>The HubSpot destination: the private app's token, the settings, the <c>HubSpot</c> HTTP client with its shared throttle.</summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HubSpotToken>();
        services.AddOptions<HubSpotOptions>().Bind(configuration.GetSection(HubSpotOptions.Section));
        return services.AddCrmDestination<HubSpotSettings, HubSpotProtocol, HubSpotToken>(HubSpotProtocol.Name);
    }
}
