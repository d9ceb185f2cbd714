namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>The fleet as one instance read it: the shared row (null: none yet) and every member row, live or not.</summary>
internal sealed record FleetSnapshot(SharedLimit? Limit, string? ETag, IReadOnlyList<FleetMember> Members);
