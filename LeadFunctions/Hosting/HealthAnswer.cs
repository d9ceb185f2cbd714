namespace LeadFunctions.Hosting;

/// <summary>The detailed answer (behind a key): the overall status, each check's status, and each destination's status by name.</summary>
public sealed record HealthAnswer(string Status, Dictionary<string, string> Checks, Dictionary<string, string> Destinations);
