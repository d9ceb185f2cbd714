namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>
/// One instance sharing a CRM user's limits (its own row, written only by itself): a member until <paramref name="ExpiresAt"/>;
/// busy (only busy members share the pace); its last paced turn; its answers within the look-back of the episode at
/// <paramref name="Episode"/>.
/// </summary>
public sealed record FleetMember(string Id, DateTimeOffset ExpiresAt, bool Busy, DateTimeOffset? PacedAt, DateTimeOffset? Episode, int Answered)
{
    public bool IsLive(DateTimeOffset now) => ExpiresAt > now;
}
