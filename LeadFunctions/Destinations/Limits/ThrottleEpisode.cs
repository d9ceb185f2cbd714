namespace LeadFunctions.Destinations.Limits;

/// <summary>
/// What one instance saw of a CRM's limit at <paramref name="At"/>: a <c>429</c> asking to wait <paramref name="Wait"/>
/// (<paramref name="Learn"/>: the fleet learns its pace from it), or the server's window used up (a pause).
/// </summary>
public sealed record ThrottleEpisode(DateTimeOffset At, TimeSpan Wait, bool Learn);
