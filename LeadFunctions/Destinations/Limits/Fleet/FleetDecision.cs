namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>A renewal's outcome; the shared row is written only when <paramref name="LimitChanged"/>.</summary>
internal sealed record FleetDecision(FleetMember Member, SharedLimit Limit, bool LimitChanged, FleetShare Share, int Instances, double? Learned);
