namespace LeadFunctions.Intake;

public static class IntakeExtensions
{
    public static IServiceCollection AddIntake(this IServiceCollection services, IConfiguration configuration, Hosting.HostingMode mode)
    {
        services.AddOptions<IntakeOptions>()
            .Bind(configuration.GetSection(IntakeOptions.Section))
            .Validate(o => !mode.ChecksFunctionKeys || !string.IsNullOrWhiteSpace(o.Keys),
                "Standalone mode needs at least one key in Intake__Keys (';'-separated); copy local.settings.sample.json to local.settings.json for the dev key.")
            .Validate(o => o.MaxBodyBytes > 0, "Intake__MaxBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<FunctionKeys>();
        services.AddSingleton<RecentLeads>();
        return services;
    }
}
