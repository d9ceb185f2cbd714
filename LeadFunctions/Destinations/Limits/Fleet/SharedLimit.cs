namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>
/// What all instances sharing one CRM user hold in common (one row, changed only with its ETag):
/// <list type="bullet">
/// <item>the fleet's pace (<see cref="Pace"/> requests per second for all instances together, from
/// <see cref="PaceSince"/>, creeping up per <see cref="Window"/> as one instance's does; null: not paced);</item>
/// <item>the gate: nobody sends before <see cref="NotBefore"/>;</item>
/// <item>the throttling episode being learned from: the <c>429</c> at <see cref="Episode"/> asked to wait
/// <see cref="EpisodeWait"/>, the pace then was <see cref="EpisodePace"/>, answers are counted over
/// <see cref="LookBack"/>; <see cref="Learned"/> once every member's count is in;</item>
/// <item>the concurrency claims: how many requests each member may have in flight; they never add up to more than the
/// CRM user's fleet-wide limit.</item>
/// </list>
/// </summary>
public sealed record SharedLimit
{
    public static SharedLimit None { get; } = new();

    public double? Pace { get; init; }

    public DateTimeOffset PaceSince { get; init; }

    public TimeSpan Window { get; init; }

    public DateTimeOffset NotBefore { get; init; }

    public DateTimeOffset? Episode { get; init; }

    public TimeSpan EpisodeWait { get; init; }

    public double? EpisodePace { get; init; }

    public TimeSpan LookBack { get; init; }

    public bool Learned { get; init; } = true;

    public IReadOnlyDictionary<string, int> Claims { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Equal values, claims compared by content.</summary>
    public bool SameAs(SharedLimit other) =>
        this with { Claims = other.Claims } == other &&
        Claims.Count == other.Claims.Count && Claims.All(c => other.Claims.TryGetValue(c.Key, out var n) && n == c.Value);
}
