namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>What one instance brings to a renewal.</summary>
internal sealed record FleetLocal(
    string Id, int Ceiling, int InFlight, bool Busy, DateTimeOffset? PacedAt, IReadOnlyList<ThrottleEpisode> Episodes,
    Func<DateTimeOffset, DateTimeOffset, int> Answered);
