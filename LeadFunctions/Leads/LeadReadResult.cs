namespace LeadFunctions.Leads;

public sealed record LeadReadResult(Lead? Lead, string? LeadId, IReadOnlyList<LeadFinding> Errors, IReadOnlyList<LeadFinding> Notes)
{
    public bool IsLead => Lead is not null;

    public static LeadReadResult Refused(LeadFinding error) => new(null, null, [error], []);
}
