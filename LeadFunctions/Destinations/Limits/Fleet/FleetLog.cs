namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>What the fleet coordinator logs: joining and sharing, a pace learned, the table lost and found, wrong settings.</summary>
internal static partial class FleetLog
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Destination}: {Instances} instance(s) share this CRM user's limits; this one sends at most {Concurrency} requests at once " +
                  "(of {FleetMaxConcurrency} for all; 0 = no fleet-wide limit) and its part of the fleet's pace")]
    public static partial void Sharing(ILogger logger, string destination, int instances, int concurrency, int fleetMaxConcurrency);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Destination} throttled the fleet: all {Instances} instance(s) waited, and now send at most {Pace:F1} requests/s together, " +
                  "learned from what every instance was answered")]
    public static partial void Learned(ILogger logger, string destination, int instances, double pace);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Destination}: the fleet table {Table} cannot be reached ({ErrorType}: {Error}); until it can, this instance sends nothing " +
                  "if the CRM user has a fleet-wide concurrency limit ({HasLimit}: its leads wait in the queue), else it throttles itself alone")]
    public static partial void Alone(ILogger logger, string destination, string table, string errorType, string error, bool hasLimit);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Destination}: the fleet table can be reached again; this instance takes its share again")]
    public static partial void Rejoined(ILogger logger, string destination);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "{Destination}: the fleet settings are wrong, so this instance throttles itself alone: {Problem}")]
    public static partial void Misconfigured(ILogger logger, string destination, string problem);
}
