namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>One instance, in its own row written only by itself; only busy members share the pace.</summary>
public sealed record FleetMember(string Id, DateTimeOffset ExpiresAt, bool Busy, DateTimeOffset? PacedAt, DateTimeOffset? Episode, int Answered)
{
    public bool IsLive(DateTimeOffset now) => ExpiresAt > now;
}
