namespace LeadFunctions.Leads;

/// <summary>A problem (the payload is rejected) or a note (the payload was accepted with a change), at a JSON path.</summary>
public sealed record LeadIssue(string Path, string Message);

public sealed record LeadReadResult(Lead? Lead, string? LeadId, IReadOnlyList<LeadIssue> Problems, IReadOnlyList<LeadIssue> Notes)
{
    public bool IsLead => Lead is not null;

    public static LeadReadResult Rejected(LeadIssue problem) => new(null, null, [problem], []);
}
