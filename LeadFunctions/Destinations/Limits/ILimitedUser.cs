namespace LeadFunctions.Destinations.Limits;

/// <summary>What the limits need of a destination's settings: whose limits they are, the fleet's share of them, and an attempt's time.</summary>
public interface ILimitedUser
{
    string Name { get; }

    /// <summary>Whom the CRM counts its limits against: instances with the same owner share one budget. Only a hash is stored.</summary>
    string LimitOwner { get; }

    /// <summary>Why the settings cannot be used; null when they are fine (the fleet is then not joined).</summary>
    string? Problem { get; }

    /// <summary>Requests at once across every instance; 0 for no fleet-wide limit.</summary>
    int FleetMaxConcurrency { get; }

    /// <summary>How long one attempt may take: a lapsed member's claim stands that long after it ended.</summary>
    TimeSpan AttemptTimeout { get; }
}
