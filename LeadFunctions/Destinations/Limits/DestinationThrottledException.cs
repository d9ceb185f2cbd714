namespace LeadFunctions.Destinations.Limits;

/// <summary>Longer than a delivery may wait in process: the delivery comes back through the queue after <see cref="Wait"/>.</summary>
public sealed class DestinationThrottledException(TimeSpan wait, bool noSlot = false, bool lapsed = false)
    : Exception(lapsed
        ? "This instance's claim on the CRM user's concurrency lapsed (its fleet membership was not renewed in time); " +
          "the request was not sent."
        : noSlot
            ? $"Other instances of this app held all of the CRM user's concurrency for {wait:g}; the request was not sent."
            : $"The CRM asked this app to wait {wait:g} (rate limit); the request was not sent.")
{
    public TimeSpan Wait { get; } = wait;

    /// <summary>The fleet left this instance no slot (rather than the CRM asking to wait).</summary>
    public bool NoSlot { get; } = noSlot;
}
