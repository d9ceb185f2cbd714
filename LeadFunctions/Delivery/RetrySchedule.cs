namespace LeadFunctions.Delivery;

/// <summary>When to try a transiently failed lead again: a delay that doubles per attempt, capped, never before Retry-After.</summary>
public static class RetrySchedule
{
    public static TimeSpan DelayAfter(int attempt, TimeSpan? retryAfter, DeliveryOptions options)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var delay = TimeSpan.FromTicks((long)Math.Min(options.FirstRetryDelay.Ticks * Math.Pow(2, exponent), options.MaxRetryDelay.Ticks));

        // Up to 10% jitter so leads that failed together do not come back together.
        delay += TimeSpan.FromTicks((long)(delay.Ticks * 0.1 * Random.Shared.NextDouble()));
        return retryAfter is { } wait && wait > delay ? wait : delay;
    }
}
