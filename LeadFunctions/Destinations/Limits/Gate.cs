namespace LeadFunctions.Destinations.Limits;

/// <summary>The "not before" gate a <c>429</c> or a used-up window closes; it only moves later, and every attempt reads it without a lock.</summary>
internal sealed class Gate(TimeProvider time, TimeSpan maxWait)
{
    private long _notBeforeUtcTicks;

    public TimeSpan Remaining => RemainingAt(time.GetUtcNow().UtcTicks);

    /// <summary>Closes the gate until <paramref name="untilUtcTicks"/> at least; true when it was open at <paramref name="nowUtcTicks"/>.</summary>
    public bool Close(long untilUtcTicks, long nowUtcTicks)
    {
        while (true)
        {
            var notBefore = Volatile.Read(ref _notBeforeUtcTicks);
            if (untilUtcTicks <= notBefore || Interlocked.CompareExchange(ref _notBeforeUtcTicks, untilUtcTicks, notBefore) == notBefore)
            {
                return notBefore <= nowUtcTicks;
            }
        }
    }

    /// <summary>How long a request must wait (zero: open); <see cref="DestinationThrottledException"/> when longer than allowed.</summary>
    public TimeSpan Wait(long nowUtcTicks) =>
        RemainingAt(nowUtcTicks) is var wait && wait <= maxWait ? wait : throw new DestinationThrottledException(wait);

    private TimeSpan RemainingAt(long nowUtcTicks) => TimeSpan.FromTicks(Math.Max(0, Volatile.Read(ref _notBeforeUtcTicks) - nowUtcTicks));
}
