using LeadFunctions.Settings;

namespace LeadFunctions.Hosting;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddHosting(this IHostApplicationBuilder builder, HostingMode mode)
    {
        builder.Configuration.AddFunctionsConfiguration(builder.Environment.ContentRootPath, mode);
        builder.Services.AddSingleton(RenamedSettings.Apply(builder.Configuration));

        builder.Services.AddSingleton(mode);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, HttpJsonContext.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddHostedService<StartupChecks>();

        // Request URLs carry the function key (?code=): the framework's per-request logs stay off; so do the
        // HTTP client's, which would log every CRM URL.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Azure", LogLevel.Warning);
        return builder;
    }
}
