using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Slack;

public static class SlackExtensions
{
    /// <summary>The Slack destination: the settings, the <c>Slack</c> HTTP client with its throttle; no token (the URL holds the secret).</summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<NoBearerToken>();
        services.AddOptions<SlackOptions>().Bind(configuration.GetSection(SlackOptions.Section));
        return services.AddCrmDestination<SlackSettings, SlackProtocol, NoBearerToken>(SlackProtocol.Name);
    }
}
