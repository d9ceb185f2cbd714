using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Salesforce;

public static class SalesforceExtensions
{
    public static IServiceCollection AddSalesforce(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SalesforceToken>();
        services.AddHttpClient(
            SalesforceToken.HttpClientName, (sp, client) => client.Timeout = sp.GetRequiredService<SalesforceSettings>().Options.Timeout);
        services.AddOptions<SalesforceOptions>().Bind(configuration.GetSection(SalesforceOptions.Section));
        return services.AddCrmDestination<SalesforceSettings, SalesforceProtocol, SalesforceToken>(SalesforceProtocol.Name);
    }
}
