namespace LeadFunctions.Tests.Destinations.Webhook;

/// <summary>
/// A clock whose time of day moves one minute on each reading, so two attempts always have different webhook
/// timestamps however fast they follow each other; timers and elapsed time stay the system's (retries still run).
/// </summary>
public sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    private long _readings;

    public override DateTimeOffset GetUtcNow() => start.AddMinutes(Interlocked.Increment(ref _readings));
}
