namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>
/// One app instance sharing a CRM user's limits (its own row, written only by itself): a member until
/// <paramref name="ExpiresAt"/>; whether it has deliveries to make (<paramref name="Busy"/>: only busy members share the
/// pace); when it last took a paced turn; and, for the throttling episode that began at <paramref name="Episode"/>, how
/// many answers other than <c>429</c> it had within that episode's look-back (<paramref name="Answered"/>).
/// </summary>
public sealed record FleetMember(string Id, DateTimeOffset ExpiresAt, bool Busy, DateTimeOffset? PacedAt, DateTimeOffset? Episode, int Answered)
{
    public bool IsLive(DateTimeOffset now) => ExpiresAt > now;
}
