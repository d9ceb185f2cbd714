namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>
/// What one instance brings to a renewal: its id, own ceiling and slots in flight, whether it is busy, its last paced
/// turn, the <c>429</c>s and pauses it saw since the last renewal, and how to count its answers in a time range.
/// </summary>
internal sealed record FleetLocal(
    string Id, int Ceiling, int InFlight, bool Busy, DateTimeOffset? PacedAt, IReadOnlyList<ThrottleEpisode> Episodes,
    Func<DateTimeOffset, DateTimeOffset, int> Answered);
