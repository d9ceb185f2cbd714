using LeadFunctions.Destinations.AzureTable;

namespace LeadFunctions.Destinations;

public static class DestinationExtensions
{
    private static readonly string[] Known = ["Table"];

    /// <summary>Registers the destination that <c>Crm__Target</c> names as the <see cref="ILeadDestination"/>.</summary>
    public static IServiceCollection AddDestinations(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DestinationOptions>(configuration.GetSection(DestinationOptions.Section));
        services.Configure<AzureTableOptions>(configuration.GetSection(AzureTableOptions.Section));
        services.AddSingleton<AzureTableDestination>();

        var target = configuration[$"{DestinationOptions.Section}:Target"] ?? new DestinationOptions().Target;
        services.AddSingleton<ILeadDestination>(sp => target.ToUpperInvariant() switch
        {
            "TABLE" => sp.GetRequiredService<AzureTableDestination>(),
            _ => new UnknownDestination(target, Known),
        });
        return services;
    }
}
