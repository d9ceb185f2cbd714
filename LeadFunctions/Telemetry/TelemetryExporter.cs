namespace LeadFunctions.Telemetry;

public enum TelemetryExporter
{
    /// <summary>
    /// Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, else OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, else nowhere (the console keeps one line per lead event).
    /// </summary>
    Auto,
    AzureMonitor,

    /// <summary>OTLP, configured by OpenTelemetry's standard <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
    Otlp,

    /// <summary>Every span and metric printed to the console: verbose, for a look at one lead's trace.</summary>
    Console,
    None,
}
