namespace LeadFunctions.Destinations.Limits;

/// <summary>Its turns come <paramref name="Rank"/>-th of every <paramref name="Of"/> of the fleet's pace.</summary>
public sealed record FleetShare(
    int Concurrency, double? Pace, DateTimeOffset PaceSince, TimeSpan Window, DateTimeOffset NotBefore, int Rank = 0, int Of = 1);
