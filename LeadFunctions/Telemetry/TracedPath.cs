namespace LeadFunctions.Telemetry;

/// <summary>The path traces show for a request whose path holds personal data (HubSpot's opt-out names the e-mail).</summary>
public static class TracedPath
{
    public static readonly HttpRequestOptionsKey<string> Key = new("LeadFunctions.PathForTelemetry");
}
