namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>
/// What every instance sharing one CRM user holds in common, in one row changed only with its ETag: the fleet's pace
/// (for all instances together, from <see cref="PaceSince"/>; null: not paced), the gate (<see cref="NotBefore"/>), the
/// episode being learned from (the <c>429</c> at <see cref="Episode"/>; <see cref="Learned"/> once every count is in), and
/// the claims on the fleet-wide concurrency, which never add up to more than it.
/// </summary>
public sealed record SharedLimit(
    double? Pace = null, DateTimeOffset PaceSince = default, TimeSpan Window = default, DateTimeOffset NotBefore = default,
    DateTimeOffset? Episode = null, TimeSpan EpisodeWait = default, double? EpisodePace = null, TimeSpan LookBack = default, bool Learned = true)
{
    public static SharedLimit None { get; } = new();

    public IReadOnlyDictionary<string, int> Claims { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Equal values, claims compared by content.</summary>
    public bool SameAs(SharedLimit other) =>
        this with { Claims = other.Claims } == other &&
        Claims.Count == other.Claims.Count && Claims.All(c => other.Claims.TryGetValue(c.Key, out var n) && n == c.Value);
}
