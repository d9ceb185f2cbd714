namespace LeadFunctions.Delivery;

public static class DeliveryExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>()
            .Bind(configuration.GetSection(DeliveryOptions.Section))
            .Validate(o => o.MaxAge > TimeSpan.Zero && o.FirstRetryDelay >= TimeSpan.Zero && o.MaxRetryDelay >= o.FirstRetryDelay,
                "Delivery__MaxAge must be positive and Delivery__MaxRetryDelay at least Delivery__FirstRetryDelay.")
            .ValidateOnStart();
        services.AddSingleton<DeliveryJournal>();
        services.AddSingleton<LeadProcessor>();
        return services;
    }
}
