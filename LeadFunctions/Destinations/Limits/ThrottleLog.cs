namespace LeadFunctions.Destinations.Limits;

/// <summary>What a throttle logs: each throttling episode once, with what it taught.</summary>
internal static partial class ThrottleLog
{
    /// <summary>The first <c>429</c> of an episode: in a fleet, the fleet learns; alone, the pace learned (null: none).</summary>
    public static void Episode(ILogger logger, string destination, TimeSpan retryAfter, bool shared, double? pace, int limit)
    {
        if (shared) WaitingWithFleet(logger, destination, retryAfter, limit);
        else if (pace is { } learned) Paced(logger, destination, retryAfter, learned, limit);
        else Waiting(logger, destination, retryAfter, limit);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Destination} asked this app to wait {RetryAfter} (rate limit): every worker waits, then sends at most {Pace:F1} requests/s, " +
                  "{Limit} at a time")]
    private static partial void Paced(ILogger logger, string destination, TimeSpan retryAfter, double pace, int limit);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Destination} asked this app to wait {RetryAfter} (rate limit): every worker waits, then sends {Limit} at a time " +
                  "(no answers yet to learn a rate from)")]
    private static partial void Waiting(ILogger logger, string destination, TimeSpan retryAfter, int limit);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Destination} asked this app to wait {RetryAfter} (rate limit): every worker of every instance waits, " +
                  "then this one sends {Limit} at a time, paced by what all instances were answered")]
    private static partial void WaitingWithFleet(ILogger logger, string destination, TimeSpan retryAfter, int limit);
}
