namespace LeadFunctions.Leads;

/// <summary>What a read found at a JSON path: an error (the lead is refused) or a note (accepted, with a change worth knowing).</summary>
public sealed record LeadFinding(string Path, string Message);
