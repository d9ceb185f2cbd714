namespace LeadFunctions.Destinations.Limits;

/// <summary>
/// The learned pace: a <c>429</c> teaches the rate the server admits (<see cref="PaceLearning"/>), and requests are then
/// spaced at it instead of bursting into the next <c>429</c> (docs/benchmarks.md, section 5). Nothing is paced before the
/// first <c>429</c>. In a fleet, the pace is the fleet's, and this instance takes its own turns of it.
/// </summary>
internal sealed class Pacer(Answers answers)
{
    private readonly Lock _lock = new();
    private double? _pace;
    private long _sinceUtcTicks;
    private long _windowTicks;
    private long _nextSendUtcTicks;
    private long _lastTurnUtcTicks;
    private int _rank;
    private int _of = 1;

    /// <summary>When a paced turn was last taken (null: never): a pace nobody uses is forgotten.</summary>
    public DateTimeOffset? LastTurn
    {
        get
        {
            lock (_lock) return _lastTurnUtcTicks == 0 ? null : new DateTimeOffset(_lastTurnUtcTicks, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The requests per second at <paramref name="nowUtcTicks"/>: the learned pace, creeping up; null when none, or when
    /// nobody took a turn for <see cref="PaceLearning.IdleWindowsToForget"/> windows.
    /// </summary>
    public double? At(long nowUtcTicks)
    {
        lock (_lock) return AtLocked(nowUtcTicks);
    }

    /// <summary>
    /// Learns from a <c>429</c> at <paramref name="nowUtcTicks"/> that closed the gate until <paramref name="untilUtcTicks"/>:
    /// from the answers within the look-back, never faster than the pace it interrupted. The new pace starts when the gate opens.
    /// </summary>
    public void Learn(long nowUtcTicks, long untilUtcTicks, TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var current = AtLocked(nowUtcTicks);
            var lookBack = PaceLearning.LookBack(current, retryAfter, nowUtcTicks, _sinceUtcTicks);
            if (PaceLearning.Learn(current, answers.Count(nowUtcTicks - lookBack, nowUtcTicks), lookBack) is not { } pace) return;
            (_pace, _windowTicks) = (pace, PaceLearning.Window(_windowTicks, retryAfter));
            (_sinceUtcTicks, _nextSendUtcTicks) = (untilUtcTicks, untilUtcTicks);
        }
    }

    /// <summary>
    /// How long a request holding <paramref name="turnUtcTicks"/> (0: none yet) must still wait; a turn is taken here when
    /// a pace is set. Call it only while the gate is open.
    /// </summary>
    public TimeSpan NextTurn(ref long turnUtcTicks, long nowUtcTicks)
    {
        lock (_lock)
        {
            if (turnUtcTicks == 0)
            {
                if (AtLocked(nowUtcTicks) is not { } pace) return TimeSpan.Zero;
                var earliest = Math.Max(nowUtcTicks, _nextSendUtcTicks);
                (turnUtcTicks, _nextSendUtcTicks) = _of > 1
                    ? PaceLearning.FleetTurn(_pace!.Value, _rank, _of, _windowTicks, _sinceUtcTicks, earliest)
                    : (earliest, earliest + (long)(TimeSpan.TicksPerSecond / pace));
                _lastTurnUtcTicks = turnUtcTicks;
            }

            return turnUtcTicks > nowUtcTicks ? TimeSpan.FromTicks(turnUtcTicks - nowUtcTicks) : TimeSpan.Zero;
        }
    }

    /// <summary>Takes this instance's part of the fleet's pace (which grows as every instance's does, from the same start).</summary>
    public void Share(FleetShare share, long nowUtcTicks)
    {
        lock (_lock)
        {
            (_rank, _of) = (share.Rank, Math.Max(1, share.Of));
            if (share.Pace is not { } pace)
            {
                _pace = null;
                return;
            }

            var since = share.PaceSince.UtcTicks;
            if (_pace is null || since != _sinceUtcTicks) _nextSendUtcTicks = Math.Max(_nextSendUtcTicks, since);
            (_pace, _sinceUtcTicks, _windowTicks) = (pace, since, share.Window.Ticks);
            _nextSendUtcTicks = Math.Max(_nextSendUtcTicks, nowUtcTicks - _windowTicks); // the fleet decides when an unused pace is forgotten
        }
    }

    /// <summary>Paces alone again (the fleet cannot be reached), from the pace it had.</summary>
    public void Alone()
    {
        lock (_lock) _of = 1;
    }

    private double? AtLocked(long now) =>
        _pace is null || now - _nextSendUtcTicks > _windowTicks * PaceLearning.IdleWindowsToForget
            ? null
            : PaceLearning.Grown(_pace, now, _sinceUtcTicks, _windowTicks);
}
