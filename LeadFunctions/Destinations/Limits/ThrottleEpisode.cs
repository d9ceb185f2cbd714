namespace LeadFunctions.Destinations.Limits;

/// <summary>A <c>429</c> one instance saw (<paramref name="Learn"/>: the fleet learns its pace from it), or a pause.</summary>
public sealed record ThrottleEpisode(DateTimeOffset At, TimeSpan Wait, bool Learn);
