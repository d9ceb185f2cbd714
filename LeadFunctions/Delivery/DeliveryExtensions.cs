using LeadFunctions.Settings;

namespace LeadFunctions.Delivery;

public static class DeliveryExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DeliveryOptions>(configuration.GetSection(DeliveryOptions.Section));
        services.AddSingleton<DeliveryJournal>();
        services.AddSingleton<SettlementLedger>();
        services.AddSingleton<LeadProcessor>();
        return services;
    }
}
