namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>
/// A renewal's outcome: this instance's row, the shared row (written when <paramref name="LimitChanged"/>), its share,
/// how many instances are live, and the fleet's pace if this renewal learned one.
/// </summary>
internal sealed record FleetDecision(FleetMember Member, SharedLimit Limit, bool LimitChanged, FleetShare Share, int Instances, double? Learned);
