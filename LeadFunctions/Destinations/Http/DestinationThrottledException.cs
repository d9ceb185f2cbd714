namespace LeadFunctions.Destinations.Http;

/// <summary>
/// A request was not sent: the CRM asked this app to wait (the <see cref="DestinationThrottle"/>'s gate) for longer
/// than a delivery may wait in process (<c>MaxThrottleWait</c>). The delivery comes back through the queue after
/// <see cref="Wait"/>.
/// </summary>
public sealed class DestinationThrottledException(TimeSpan wait)
    : Exception($"The CRM asked this app to wait {wait:g} (rate limit); the request was not sent.")
{
    public TimeSpan Wait { get; } = wait;
}
