using System.ComponentModel.DataAnnotations;

namespace LeadFunctions.Telemetry;

/// <summary>Where traces and metrics go (<c>Telemetry__Exporter</c>); logs always go to the console too.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>OpenTelemetry's standard setting for an OTLP collector (the Aspire dashboard, Jaeger, …).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    [EnumDataType(typeof(TelemetryExporter), ErrorMessage = "Telemetry__Exporter must be Auto, AzureMonitor, Otlp, Console or None.")]
    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.Auto;
}

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
