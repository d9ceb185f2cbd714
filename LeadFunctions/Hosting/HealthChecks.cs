using LeadFunctions.Settings;

namespace LeadFunctions.Hosting;

/// <summary>The checks behind <see cref="LeadHealth"/>: storage (the lead queue), probed each time; the destinations,
/// probed at most once per interval.</summary>
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
