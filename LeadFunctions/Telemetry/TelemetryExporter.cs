namespace LeadFunctions.Telemetry;

public enum TelemetryExporter
{
    /// <summary>Application Insights when its connection string is set, else OTLP when its endpoint is, else nowhere.</summary>
    Auto,
    AzureMonitor,

    Otlp,

    /// <summary>Every span and metric printed to the console: verbose, for a look at one lead's trace.</summary>
    Console,
    None,
}
