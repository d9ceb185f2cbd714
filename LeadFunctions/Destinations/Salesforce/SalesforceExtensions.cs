using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Salesforce;

public static class SalesforceExtensions
{
    /// <summary>The Salesforce destination: settings, the client-credentials token, the <c>Salesforce</c> HTTP client with its shared throttle.</summary>
    public static IServiceCollection AddSalesforce(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SalesforceOptions>().Bind(configuration.GetSection(SalesforceOptions.Section));
        services.AddSingleton<SalesforceSettings>();
        services.AddSingleton<SalesforceToken>();
        services.AddHttpClient(SalesforceToken.HttpClientName, (sp, client) => client.Timeout = sp.GetRequiredService<SalesforceSettings>().Options.Timeout);
        services.AddCrmHttpClient(
            SalesforceFailures.Destination,
            sp => sp.GetRequiredService<SalesforceSettings>().Options,
            sp => sp.GetRequiredService<SalesforceSettings>().ApiRoot,
            IsTransientAsync,
            sp => new CrmRequestHandler(
                sp.GetRequiredService<SalesforceToken>(),
                sp.GetRequiredKeyedService<DestinationThrottle>(SalesforceFailures.Destination),
                sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SalesforceDestination>();
        return services;
    }

    /// <summary>In process, only what clears in seconds: not the org's API request limit (that is re-scheduled through the queue).</summary>
    private static async ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = status == 400 ? await SalesforceError.ReadAsync(response, cancellationToken).ConfigureAwait(false) : SalesforceError.None;
        return status != 403 && SalesforceFailures.IsTransient(status, error.Code);
    }
}
