using LeadFunctions.Settings;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LeadFunctions.Telemetry;

public static class TelemetryExtensions
{
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Traces, metrics and logs to Application Insights, an OTLP collector, or the console (docs/operate.md, "Telemetry").</summary>
    public static IHostApplicationBuilder AddLeadTelemetry(this IHostApplicationBuilder builder)
    {
        var options = ValidatedOptions.Read<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.Section));
        var appInsights = builder.Configuration[AppInsightsSetting];

        // With local authentication off, Application Insights takes only Entra ID tokens: one credential for all three.
        var credential = AppInsightsAuthentication.CredentialFrom(builder.Configuration[AppInsightsAuthentication.Setting]);
        var exporter = options.Exporter != TelemetryExporter.Auto ? options.Exporter
            : !string.IsNullOrWhiteSpace(appInsights) ? TelemetryExporter.AzureMonitor
            : !string.IsNullOrWhiteSpace(builder.Configuration[TelemetryOptions.OtlpEndpointSetting]) ? TelemetryExporter.Otlp
            : TelemetryExporter.None;

        builder.Services.AddSingleton<LeadMetrics>();

        // Runs even without an exporter, so spans and metrics can be observed in-process.
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("LeadFunctions"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(LeadTracing.SourceName)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.Filter = context => context.Request.Path != "/";

                        // The query holds the function key (?code=); keep it out of every span.
                        o.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                    })
                    .AddHttpClientInstrumentation(o =>
                    {
                        // Polling an empty queue is not part of any lead's journey: keep it out of the traces.
                        o.FilterHttpRequestMessage = request => !IsQueuePoll(request);
                        o.EnrichWithHttpRequestMessage = (activity, request) =>
                        {
                            activity.SetTag("url.query", null);

                            // A CRM request whose path names a person (an e-mail address) shows a path without it.
                            if (request.Options.TryGetValue(TracedPath.Key, out var path))
                            {
                                activity.SetTag("url.path", path);
                                activity.SetTag("url.full", request.RequestUri?.GetLeftPart(UriPartial.Authority) + path);
                            }
                        };
                    });
                if (exporter == TelemetryExporter.AzureMonitor) tracing.AddAzureMonitorTraceExporter(o =>
                {
                    Configure(o, appInsights, credential);

                    // Every trace: default sampling dropped some leads' spans and their logs (docs/design.md, D7).
                    o.SamplingRatio = 1F;
                    o.TracesPerSecond = null;
                });
                else if (exporter == TelemetryExporter.Console) tracing.AddConsoleExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(LeadMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (exporter == TelemetryExporter.AzureMonitor) metrics.AddAzureMonitorMetricExporter(o => Configure(o, appInsights, credential));
                else if (exporter == TelemetryExporter.Console) metrics.AddConsoleExporter();
            });

        if (exporter == TelemetryExporter.AzureMonitor)
        {
            telemetry.WithLogging(logging => logging.AddAzureMonitorLogExporter(o => Configure(o, appInsights, credential)));
        }
        else if (exporter == TelemetryExporter.Otlp)
        {
            telemetry.UseOtlpExporter(); // traces, metrics and logs, to OTEL_EXPORTER_OTLP_ENDPOINT
        }

        return builder;
    }

    private static void Configure(AzureMonitorExporterOptions options, string? connectionString, TokenCredential? credential)
    {
        options.ConnectionString = connectionString;
        options.Credential = credential;
    }

    /// <summary>A queue receive or peek (<c>GET …/messages</c>), which the listener and the Functions host repeat all day.</summary>
    private static bool IsQueuePoll(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && request.RequestUri?.AbsolutePath.EndsWith("/messages", StringComparison.Ordinal) == true;
}
