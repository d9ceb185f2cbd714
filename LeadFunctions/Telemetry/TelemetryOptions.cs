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
