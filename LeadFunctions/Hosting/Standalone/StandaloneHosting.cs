using LeadFunctions.Settings;
using LeadFunctions.Intake;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Console;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>Standalone mode: what the Functions host would otherwise do (function keys, the queue and timer triggers).</summary>
public static class StandaloneHosting
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static WebApplicationBuilder AddStandaloneHosting(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);

        builder.Logging.AddConsole(o => o.FormatterName = ConsoleLine.FormatterName).AddConsoleFormatter<ConsoleLine, ConsoleFormatterOptions>();

        builder.Services.AddSingleton<IValidateOptions<IntakeOptions>, KeysRequired>();
        builder.Services.AddSingleton<FunctionKeys>();

        builder.Services.AddValidatedOptions<StandaloneOptions>(builder.Configuration.GetSection(StandaloneOptions.Section));
        builder.Services.AddHostedService<QueueListener>();
        builder.Services.AddHostedService<GaugeTimer>();
        return builder;
    }

    /// <summary>The Functions' routes under host.json's route prefix, each answered by the same handler the Function calls.</summary>
    public static WebApplication MapStandaloneEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var prefix = "/" + app.Configuration.RoutePrefix();
        app.MapGet("/", (HostingMode mode) => TypedResults.Ok(new ServiceAnswer("LeadFunctions", mode.ToString()))).ExcludeFromDescription();
        app.MapPost($"{prefix}/{LeadIntake.Route}", (HttpRequest request, LeadIntake intake) => intake.ReceiveAsync(request))
            .AddEndpointFilter<FunctionKeyFilter>()
            .WithName("ReceiveLead");
        app.MapGet($"{prefix}/{LeadHealth.Route}", (LeadHealth health, CancellationToken cancellationToken) => health.SummaryAsync(cancellationToken))
            .WithName("Health");
        app.MapGet($"{prefix}/{LeadHealth.DetailsRoute}", (LeadHealth health, CancellationToken cancellationToken) =>
            health.DetailsAsync(cancellationToken))
            .AddEndpointFilter<FunctionKeyFilter>()
            .WithName("HealthDetails");
        return app;
    }
}
