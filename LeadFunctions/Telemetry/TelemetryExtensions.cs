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

    /// <summary>OpenTelemetry traces, metrics and logs; exported to Application Insights, to an OTLP collector, or (on request) the console.</summary>
    public static IHostApplicationBuilder AddLeadTelemetry(this IHostApplicationBuilder builder)
    {
        // Which exporters to add is decided while the app is composed, before there are services to inject options into.
        var options = ValidatedOptions.Read<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.Section));
        var appInsights = builder.Configuration[AppInsightsSetting];

        // Application Insights with local authentication off (infra/app/monitoring.bicep) accepts only telemetry sent
        // with an Entra ID token: one credential, shared by the three exporters (and their token cache).
        var credential = AppInsightsAuthentication.CredentialFrom(builder.Configuration[AppInsightsAuthentication.Setting]);
        var exporter = options.Exporter != TelemetryExporter.Auto ? options.Exporter
            : !string.IsNullOrWhiteSpace(appInsights) ? TelemetryExporter.AzureMonitor
            : !string.IsNullOrWhiteSpace(builder.Configuration[TelemetryOptions.OtlpEndpointSetting]) ? TelemetryExporter.Otlp
            : TelemetryExporter.None;

        builder.Services.AddSingleton<LeadMetrics>();

        // The pipeline runs even without an exporter (None), so that spans and metrics can still be observed in-process.
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

                    // Every trace: leads are few, and the exporter's default sampling would drop some leads' spans and,
                    // with them, their log records.
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
