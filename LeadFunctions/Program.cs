using LeadFunctions.Delivery;
using LeadFunctions.Destinations;
using LeadFunctions.Hosting;
using LeadFunctions.Hosting.Standalone;
using LeadFunctions.Intake;
using LeadFunctions.Routing;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;

namespace LeadFunctions;

/// <summary>Marketplace leads in over HTTP, through a queue, into each destination (docs/design.md, "Hosting modes").</summary>
public static class Program
{
    public static Task Main(string[] args) => HostingMode.FromArguments(args).IsFunctions
        ? BuildWorker(args).RunAsync()
        : BuildStandalone(args).RunAsync();

    /// <summary>Functions mode: the .NET isolated worker, started by the Functions host.</summary>
    public static IHost BuildWorker(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();                        // Functions/: the five functions
        builder.AddLeadPipeline(HostingMode.Functions);
        return builder.Build();
    }

    /// <summary>Standalone mode (./eng/run.sh, tests, containers): this process checks keys, polls the queue, times gauges.</summary>
    /// <param name="overrides">Tests replace services here (e.g. a destination that fails on purpose).</param>
    public static WebApplication BuildStandalone(string[] args, Action<IServiceCollection>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLeadPipeline(HostingMode.Standalone);
        builder.AddStandaloneHosting();                                    // Hosting/Standalone: key check, queue listener, gauge timer
        overrides?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapStandaloneEndpoints();                                      // the HTTP functions' handlers, behind the key check
        return app;
    }

    private static void AddLeadPipeline(this IHostApplicationBuilder builder, HostingMode mode)
    {
        builder.AddHosting(mode);                                          // Hosting/: settings as the host reads them, clock, start-up checks
        builder.AddLeadTelemetry();                                        // Telemetry/: traces, metrics, logs
        builder.Services.AddLeadStorage(builder.Configuration);            // Storage/: the lead queue, its poison queue, tables
        builder.Services.AddIntake(builder.Configuration);                 // Intake/: ReceiveLead
        builder.Services.AddDelivery(builder.Configuration);               // Delivery/: ProcessLead, retry or poison
        var routed = builder.Services.AddRoutes(builder.Configuration);    // Routing/: which destinations each lead goes to (Routes__…)
        builder.Services.AddDestinations(builder.Configuration, routed);   // Destinations/: every destination a lead may go to
        builder.Services.AddLeadHealth(builder.Configuration);             // Hosting/: health and details, pipeline gauges
    }
}
