using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Dataverse;

public static class DataverseExtensions
{
    public static IServiceCollection AddDataverse(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<DataverseSettings>();
            var credential = settings.Problem is null ? DataverseToken.CredentialFor(settings.Options) : null;
            return new DataverseToken(credential, settings.Scope, sp.GetRequiredService<TimeProvider>());
        });
        services.AddOptions<DataverseOptions>().Bind(configuration.GetSection(DataverseOptions.Section));
        services.AddCrmDestination<DataverseSettings, DataverseProtocol, DataverseToken>(DataverseProtocol.Name);
        services.AddHostedService<DataverseConnectionCheck>();
        return services;
    }
}
