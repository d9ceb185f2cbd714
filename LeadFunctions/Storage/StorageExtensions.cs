using LeadFunctions.Settings;

namespace LeadFunctions.Storage;

public static class StorageExtensions
{
    public static IServiceCollection AddLeadStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Configure(options =>
            {
                var section = configuration.GetSection(StorageOptions.Section);
                section.Bind(options);
                options.ConnectionString = section.Value ?? options.ConnectionString;
                options.LeadQueueName = configuration["LeadQueueName"] ?? options.LeadQueueName;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddValidatedOptions<QueueTriggerOptions>(configuration.GetSection(QueueTriggerOptions.Section));
        services.AddSingleton<LeadStorage>();
        services.AddSingleton<LeadQueueSignal>();
        services.AddSingleton<LeadQueue>();
        return services;
    }
}
