using LeadFunctions.Hosting.CustomHandler;
using LeadFunctions.Hosting.Standalone;
using LeadFunctions.Storage;

namespace LeadFunctions.Hosting;

public static class HostingExtensions
{
    /// <summary>Settings from host.json and local.settings.json, the listening address, and the mode's own parts.</summary>
    public static HostingMode AddHosting(this WebApplicationBuilder builder)
    {
        var mode = HostingMode.From(builder.Configuration);
        builder.Configuration.AddFunctionsConfiguration(builder.Environment.ContentRootPath, mode);

        if (mode.IsFunctions)
        {
            // The host forwards to 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT and nothing else may reach the handler.
            builder.WebHost.UseUrls($"http://127.0.0.1:{mode.CustomHandlerPort}");
        }
        else
        {
            if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(HostingMode.StandaloneUrl);
            builder.Services.Configure<StandaloneOptions>(builder.Configuration.GetSection(StandaloneOptions.Section));
            var standalone = builder.Configuration.GetSection(StandaloneOptions.Section).Get<StandaloneOptions>() ?? new();
            if (standalone.ProcessQueue) builder.Services.AddHostedService<QueueListener>();
        }

        builder.Services.AddSingleton(mode);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, HttpJsonContext.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddHostedService<StartupChecks>();
        builder.Services.AddLeadHealthChecks();

        // Request URLs carry the function key (?code=): the framework's per-request logs stay off; so do the
        // HTTP client's, which would log every CRM URL.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Azure", LogLevel.Warning);
        return mode;
    }

    /// <summary>The host's readiness probe (<c>GET /</c>) and, in Functions mode, the ProcessLead invocation endpoint.</summary>
    public static WebApplication MapHosting(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var mode = app.Services.GetRequiredService<HostingMode>();
        app.MapGet("/", () => TypedResults.Ok(new ServiceAnswer("LeadFunctions", mode.ToString()))).ExcludeFromDescription();
        app.MapHealth();
        if (mode.IsFunctions) app.MapProcessLeadInvocation();
        return app;
    }
}

/// <summary>The answer to <c>GET /</c>: which app this is and how it is hosted.</summary>
public sealed record ServiceAnswer(string Service, string Mode);

/// <summary>Creates the queues at start-up when storage is reachable; when it is not, the app still starts and intake answers 503.</summary>
internal sealed partial class StartupChecks(LeadQueue queue, HostingMode mode, ILogger<StartupChecks> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogMode(logger, mode);
        try
        {
            await queue.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogStorageUnreachable(logger, e.GetType().Name, queue.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LeadFunctions running: {Mode}")]
    private static partial void LogMode(ILogger logger, HostingMode mode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage is not reachable ({ErrorType}); queue {Queue} could not be checked. Intake answers 503 until it is.")]
    private static partial void LogStorageUnreachable(ILogger logger, string errorType, string queue);
}
