namespace LeadFunctions.Destinations.Limits;

/// <summary>
/// The "not before" gate: after a <c>429</c> (or a server saying its window is used up) nobody sends until it opens.
/// It only ever moves later. Lock-free: every attempt reads it.
/// </summary>
internal sealed class Gate(TimeProvider time, TimeSpan maxWait)
{
    private long _notBeforeUtcTicks;

    /// <summary>How long nobody may send yet (zero when open).</summary>
    public TimeSpan Remaining => RemainingAt(time.GetUtcNow().UtcTicks);

    /// <summary>Closes the gate until <paramref name="untilUtcTicks"/>, unless it already is; true when it was open at <paramref name="nowUtcTicks"/>.</summary>
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

    /// <summary>How long a request must wait at <paramref name="nowUtcTicks"/> (zero: the gate is open).</summary>
    /// <exception cref="DestinationThrottledException">Longer than the longest wait allowed.</exception>
    public TimeSpan Wait(long nowUtcTicks) => RemainingAt(nowUtcTicks) is var wait && wait <= maxWait ? wait : throw new DestinationThrottledException(wait);

    private TimeSpan RemainingAt(long nowUtcTicks) => TimeSpan.FromTicks(Math.Max(0, Volatile.Read(ref _notBeforeUtcTicks) - nowUtcTicks));
}
