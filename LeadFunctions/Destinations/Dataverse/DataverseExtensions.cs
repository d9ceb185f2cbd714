using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Dataverse;

public static class DataverseExtensions
{
    /// <summary>
    /// The Dataverse destination: one token credential, the settings, the <c>Dataverse</c> HTTP client with its shared
    /// throttle (<see cref="CrmHttpExtensions.AddCrmDestination"/>) and the connection check at start.
    /// </summary>
    public static IServiceCollection AddDataverse(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<DataverseSettings>();
            var credential = settings.Problem is null ? DataverseToken.CredentialFor(settings.Options) : null;
            return new DataverseToken(credential, settings.Scope, sp.GetRequiredService<TimeProvider>());
        });
        services.AddOptions<DataverseOptions>().Bind(configuration.GetSection(DataverseOptions.Section));
        services.AddCrmDestination<DataverseSettings, DataverseDestination>(
            DataverseDestination.HttpClientName, IsTransientAsync,
            (sp, throttle) => new DataverseRequestHandler(sp.GetRequiredService<DataverseToken>(), throttle, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<DataverseConnectionCheck>();
        return services;
    }

    /// <summary>408, 429 and 5xx other than the permanent ones (duplicate detection is answered as 500).</summary>
    private static async ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = status == 500 ? await DataverseError.ReadAsync(response, cancellationToken).ConfigureAwait(false) : DataverseError.None;
        return DataverseFailures.IsTransient(status, error.Code);
    }
}
