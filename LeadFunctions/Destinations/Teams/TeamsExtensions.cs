using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Teams;

public static class TeamsExtensions
{
    /// <summary>The Teams destination: the settings, the <c>Teams</c> HTTP client with its throttle; no token (the URL is signed).</summary>
    public static IServiceCollection AddTeams(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<NoBearerToken>();
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.Section));
        return services.AddCrmDestination<TeamsSettings, TeamsProtocol, NoBearerToken>(TeamsProtocol.Name);
    }
}
