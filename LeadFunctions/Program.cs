using LeadFunctions.Delivery;
using LeadFunctions.Destinations;
using LeadFunctions.Hosting;
using LeadFunctions.Intake;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions;

/// <summary>LeadFunctions: marketplace leads in over HTTP (ReceiveLead), through a queue, into the CRM (ProcessLead).</summary>
public static class Program
{
    public static Task Main(string[] args) => Build(args).RunAsync();

    /// <param name="overrides">Tests replace services here (e.g. a destination that fails on purpose).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var mode = builder.AddHosting();                                   // Hosting/: Functions custom handler or standalone
        builder.AddLeadTelemetry();                                        // Telemetry/: traces, metrics, logs (App Insights or console)
        builder.Services.AddLeadStorage(builder.Configuration);            // Storage/: the lead queue, its poison queue, tables
        builder.Services.AddIntake(builder.Configuration, mode);           // Intake/: ReceiveLead
        builder.Services.AddDelivery(builder.Configuration);               // Delivery/: ProcessLead, retry or poison
        builder.Services.AddDestinations(builder.Configuration);           // Destinations/: where leads go (Crm__Target)
        overrides?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapHosting();
        app.MapReceiveLead();
        return app;
    }
}
