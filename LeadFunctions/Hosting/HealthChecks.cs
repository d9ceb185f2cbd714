using LeadFunctions.Settings;

namespace LeadFunctions.Hosting;

/// <summary>Storage is probed each time; the destinations at most once per interval.</summary>
public static class HealthChecks
{
    public const string Storage = "storage";

    public const string Destination = "destination";

    public static IServiceCollection AddLeadHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<HealthOptions>(configuration.GetSection(HealthOptions.Section));
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>(Storage)
            .AddCheck<DestinationHealthCheck>(Destination);
        services.AddSingleton<DestinationHealthCheck>();
        services.AddSingleton<LeadHealth>();
        services.AddSingleton<PipelineGauges>();
        return services;
    }
}
