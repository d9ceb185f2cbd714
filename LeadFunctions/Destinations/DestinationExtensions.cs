using LeadFunctions.Destinations.AzureTable;
using LeadFunctions.Destinations.Dataverse;

namespace LeadFunctions.Destinations;

public static class DestinationExtensions
{
    private static readonly string[] Known = ["Table", "Dataverse"];

    /// <summary>Registers the destination that <c>Crm__Target</c> names as the <see cref="ILeadDestination"/>.</summary>
    public static IServiceCollection AddDestinations(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DestinationOptions>(configuration.GetSection(DestinationOptions.Section));
        services.Configure<AzureTableOptions>(configuration.GetSection(AzureTableOptions.Section));
        services.AddSingleton<AzureTableDestination>();

        var target = configuration[$"{DestinationOptions.Section}:Target"] ?? new DestinationOptions().Target;
        var isDataverse = string.Equals(target, "Dataverse", StringComparison.OrdinalIgnoreCase);
        if (isDataverse) services.AddDataverse(configuration);

        services.AddSingleton<ILeadDestination>(sp => target.ToUpperInvariant() switch
        {
            "TABLE" => sp.GetRequiredService<AzureTableDestination>(),
            "DATAVERSE" => sp.GetRequiredService<DataverseDestination>(),
            _ => new UnknownDestination(target, Known),
        });
        return services;
    }
}
