using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Salesforce;

public static class SalesforceExtensions
{
    /// <summary>The Salesforce destination: the client-credentials token and its client, the settings, the <c>Salesforce</c> HTTP client with its shared throttle.</summary>
    public static IServiceCollection AddSalesforce(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SalesforceToken>();
        services.AddHttpClient(SalesforceToken.HttpClientName, (sp, client) => client.Timeout = sp.GetRequiredService<SalesforceSettings>().Options.Timeout);
        services.AddOptions<SalesforceOptions>().Bind(configuration.GetSection(SalesforceOptions.Section));
        return services.AddCrmDestination<SalesforceSettings, SalesforceDestination>(
            SalesforceFailures.Destination, IsTransientAsync,
            (sp, throttle) => new CrmRequestHandler(sp.GetRequiredService<SalesforceToken>(), throttle, sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>In process, only what clears in seconds: not the org's API request limit (that is re-scheduled through the queue).</summary>
    private static async ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = status == 400 ? await SalesforceError.ReadAsync(response, cancellationToken).ConfigureAwait(false) : SalesforceError.None;
        return status != 403 && SalesforceFailures.IsTransient(status, error.Code);
    }
}
