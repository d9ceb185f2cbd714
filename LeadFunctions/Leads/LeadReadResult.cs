namespace LeadFunctions.Leads;

/// <summary>A read's result: the lead and its id, or the errors that refuse it; and the notes of an accepted lead.</summary>
public sealed record LeadReadResult(Lead? Lead, string? LeadId, IReadOnlyList<LeadFinding> Errors, IReadOnlyList<LeadFinding> Notes)
{
    public bool IsLead => Lead is not null;

    public static LeadReadResult Refused(LeadFinding error) => new(null, null, [error], []);
}
