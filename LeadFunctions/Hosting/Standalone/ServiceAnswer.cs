namespace LeadFunctions.Hosting.Standalone;

/// <summary>The answer to <c>GET /</c>: which app this is and how it is hosted.</summary>
public sealed record ServiceAnswer(string Service, string Mode);
