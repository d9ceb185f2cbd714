using Microsoft.Extensions.Logging.Abstractions;

namespace LeadFunctions.Destinations.Limits;

/// <summary>How much this app sends to one CRM (docs/design.md, "D6. Many instances, one CRM limit").</summary>
public sealed class DestinationThrottle
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _destination;
    private readonly Pacer _pacer = new();
    private readonly Gate _gate;
    private readonly Slots _slots;

    /// <param name="maxGateWait">The longest a request waits for the gate, or for any slot at all (<c>MaxThrottleWait</c>).</param>
    public DestinationThrottle(
        int maxConcurrency, TimeProvider time, TimeSpan? maxGateWait = null, ILogger<DestinationThrottle>? logger = null, string destination = "CRM")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        (_time, _logger, _destination) = (time, logger ?? (ILogger)NullLogger.Instance, destination);
        (_gate, _slots) = (new Gate(time, maxGateWait ?? TimeSpan.MaxValue), new Slots(maxConcurrency, time, maxGateWait ?? TimeSpan.MaxValue));
        Fleet = new FleetSharing(_gate, _pacer, _slots, time);
    }

    public int Limit => _slots.Limit;
    public int Ceiling => _slots.Ceiling;
    public int InFlight => _slots.InFlight;
    public TimeSpan Remaining => _gate.Remaining;
    public double? Pace => _pacer.At(_time.GetUtcNow().UtcTicks);
    public bool Shared => Fleet.Shared;
    internal FleetSharing Fleet { get; }

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => _slots.EnterAsync(cancellationToken);

    /// <summary>Waits until one request may go: the gate open, its turn in the pace come. Each HTTP attempt calls it before it is sent.</summary>
    public async ValueTask PaceAsync(CancellationToken cancellationToken)
    {
        long turn = 0;
        while (NextTurn(ref turn) is var wait && wait > TimeSpan.Zero) await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One step of <see cref="PaceAsync"/>: no attempt without a claim held; a gate closed meanwhile voids the turn held.</summary>
    internal TimeSpan NextTurn(ref long turnUtcTicks)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (!_slots.HoldsClaim(now)) throw new DestinationThrottledException(TimeSpan.Zero, noSlot: true, lapsed: true);
        if (_gate.Wait(now) is var gate && gate == TimeSpan.Zero) return _pacer.NextTurn(ref turnUtcTicks, now);
        turnUtcTicks = 0;
        return gate;
    }

    /// <summary>A <c>429</c>: the gate closes; the first of an episode halves the limit and learns the pace (in a fleet, the fleet learns).</summary>
    public void Throttled(TimeSpan retryAfter)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (retryAfter <= TimeSpan.Zero) retryAfter = TimeSpan.FromSeconds(1);
        var (until, shared) = (now + retryAfter.Ticks, Fleet.Shared);
        var episode = _gate.Close(until, now);
        var limit = _slots.Throttled(episode);
        if (episode && !shared) _pacer.Learn(now, until, retryAfter);
        Fleet.Saw(new ThrottleEpisode(new DateTimeOffset(now, TimeSpan.Zero), retryAfter, Learn: true));
        if (episode) ThrottleLog.Episode(_logger, _destination, retryAfter, shared, _pacer.At(until), limit);
    }

    /// <summary>The server says its window is used up (e.g. HubSpot's): the gate closes without counting as throttling.</summary>
    public void Pause(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero) return;
        var now = _time.GetUtcNow().UtcTicks;
        _gate.Close(now + wait.Ticks, now);
        Fleet.Saw(new ThrottleEpisode(new DateTimeOffset(now, TimeSpan.Zero), wait, Learn: false));
    }

    /// <summary>An answer other than a <c>429</c> to a request sent at <paramref name="sentAt"/> (default now); a success ramps up.</summary>
    public void Answered(bool succeeded, DateTimeOffset? sentAt = null)
    {
        var now = _time.GetUtcNow().UtcTicks;
        _pacer.Answered(Math.Min(now, sentAt?.UtcTicks ?? now), now);
        if (succeeded) _slots.Succeeded();
    }

    public void AdoptHint(int hint) => _slots.AdoptHint(hint);
}
