namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>What the instances sharing one CRM user hold in common, in one row changed only with its ETag.</summary>
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
