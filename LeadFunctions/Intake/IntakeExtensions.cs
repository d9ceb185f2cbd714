namespace LeadFunctions.Intake;

public static class IntakeExtensions
{
    public static IServiceCollection AddIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IntakeOptions>()
            .Bind(configuration.GetSection(IntakeOptions.Section))
            .Validate(o => o.MaxBodyBytes > 0, "Intake__MaxBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<RecentLeads>();
        services.AddSingleton<LeadIntake>();
        return services;
    }
}
