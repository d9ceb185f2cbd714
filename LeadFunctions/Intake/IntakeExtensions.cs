using LeadFunctions.Settings;

namespace LeadFunctions.Intake;

public static class IntakeExtensions
{
    public static IServiceCollection AddIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<IntakeOptions>(configuration.GetSection(IntakeOptions.Section));
        services.AddSingleton<RecentLeads>();
        services.AddSingleton<LeadIntake>();
        return services;
    }
}
