namespace LeadFunctions.Hosting;

/// <summary>What anyone may learn: up, degraded or down.</summary>
public sealed record HealthSummary(string Status);
