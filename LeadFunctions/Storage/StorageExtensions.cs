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
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString) || !string.IsNullOrWhiteSpace(o.AccountName) || o.QueueServiceUri is not null,
                "Set AzureWebJobsStorage (a connection string; UseDevelopmentStorage=true for Azurite) or AzureWebJobsStorage__accountName.")
            .Validate(o => o.PoisonQueueName.Length <= 63 && o.LeadQueueName.Length >= 3,
                "LeadQueueName must be 3 to 56 characters, so that '<name>-poison' is a valid queue name.")
            .ValidateOnStart();
        services.AddOptions<QueueTriggerOptions>()
            .Bind(configuration.GetSection(QueueTriggerOptions.Section))
            .Validate(o => o.BatchSize is >= 1 and <= 32, "host.json extensions.queues.batchSize must be 1 to 32.")
            .Validate(o => o.MaxDequeueCount >= 1, "host.json extensions.queues.maxDequeueCount must be at least 1.")
            .Validate(o => o.MessageEncoding.ToUpperInvariant() is "BASE64" or "NONE", "host.json extensions.queues.messageEncoding must be base64 or none.")
            .ValidateOnStart();
        services.AddSingleton<LeadStorage>();
        services.AddSingleton<LeadQueueSignal>();
        services.AddSingleton<LeadQueue>();
        return services;
    }
}
