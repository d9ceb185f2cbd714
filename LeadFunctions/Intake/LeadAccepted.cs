using LeadFunctions.Leads;

namespace LeadFunctions.Intake;

/// <summary>The answer to an accepted lead: its stable id, whether this instance already had it, and what was coerced.</summary>
public sealed record LeadAccepted(
    string LeadId,
    bool Duplicate,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<LeadFinding>? Notes,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    int? NotesOmitted = null);
