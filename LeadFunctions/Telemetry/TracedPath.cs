namespace LeadFunctions.Telemetry;

/// <summary>
/// The path a request's traces show instead of its own, for a request whose path holds personal data (HubSpot's
/// opt-out names the e-mail address in it): no name or address of a lead may reach a span.
/// </summary>
public static class TracedPath
{
    public static readonly HttpRequestOptionsKey<string> Key = new("LeadFunctions.PathForTelemetry");
}
