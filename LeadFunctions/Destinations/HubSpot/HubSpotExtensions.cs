using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.HubSpot;

public static class HubSpotExtensions
{
    /// <summary>The HubSpot destination: settings, the private app's token, the <c>HubSpot</c> HTTP client with its shared throttle.</summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubSpotOptions>().Bind(configuration.GetSection(HubSpotOptions.Section));
        services.AddSingleton<HubSpotSettings>();
        services.AddSingleton<HubSpotToken>();
        services.AddCrmHttpClient(
            HubSpotFailures.Destination,
            sp => sp.GetRequiredService<HubSpotSettings>().Options,
            sp => sp.GetRequiredService<HubSpotSettings>().ApiRoot,
            (response, _) => ValueTask.FromResult(HubSpotFailures.IsTransient((int)response.StatusCode)),
            sp => new HubSpotRequestHandler(
                sp.GetRequiredService<HubSpotToken>(),
                sp.GetRequiredKeyedService<DestinationThrottle>(HubSpotFailures.Destination),
                sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<HubSpotDestination>();
        return services;
    }
}
