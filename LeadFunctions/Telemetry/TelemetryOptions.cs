namespace LeadFunctions.Telemetry;

/// <summary>Where traces, metrics and logs go (<c>Telemetry__Exporter</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.Auto;
}

public enum TelemetryExporter
{
    /// <summary>Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, else the console.</summary>
    Auto,
    AzureMonitor,
    Console,
    None,
}
