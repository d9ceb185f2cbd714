namespace LeadFunctions.Hosting;

public sealed record HealthSummary(string Status);
