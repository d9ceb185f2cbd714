namespace LeadFunctions.Destinations.Limits;

/// <summary>Requests spaced at the rate a <c>429</c> taught, not bursting into the next (docs/benchmarks.md, section 5).</summary>
internal sealed class Pacer
{
    private const int MaxRemembered = 1 << 16; // answers remembered for learning (fewer give a lower, safe rate)

    private readonly Lock _lock = new();
    private readonly Queue<long> _answeredUtcTicks = new(); // when each request answered other than 429 was sent
    private double? _pace;
    private long _sinceUtcTicks;
    private long _windowTicks;
    private long _nextSendUtcTicks;
    private long _lastTurnUtcTicks;
    private int _rank;
    private int _of = 1;

    /// <summary>When a paced turn was last taken (null: never): a pace nobody uses is forgotten.</summary>
    public DateTimeOffset? LastTurn { get { lock (_lock) return _lastTurnUtcTicks == 0 ? null : new(_lastTurnUtcTicks, TimeSpan.Zero); } }

    /// <summary>The requests per second at <paramref name="nowUtcTicks"/> (creeping up); null when none, or unused for four windows.</summary>
    public double? At(long nowUtcTicks)
    {
        lock (_lock) return AtLocked(nowUtcTicks);
    }

    public void Answered(long sentUtcTicks, long nowUtcTicks)
    {
        lock (_lock)
        {
            while (_answeredUtcTicks.Count > 0
                   && (_answeredUtcTicks.Count >= MaxRemembered || _answeredUtcTicks.Peek() <= nowUtcTicks - PaceLearning.LongestWindow.Ticks))
            {
                _answeredUtcTicks.Dequeue();
            }

            _answeredUtcTicks.Enqueue(sentUtcTicks);
        }
    }

    public int CountAnswered(long fromUtcTicks, long toUtcTicks)
    {
        lock (_lock) return CountAnsweredLocked(fromUtcTicks, toUtcTicks);
    }

    public void Learn(long nowUtcTicks, long untilUtcTicks, TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var current = AtLocked(nowUtcTicks);
            var lookBack = PaceLearning.LookBack(current, retryAfter, nowUtcTicks, _sinceUtcTicks);
            if (PaceLearning.Learn(current, CountAnsweredLocked(nowUtcTicks - lookBack, nowUtcTicks), lookBack) is not { } pace) return;
            (_pace, _windowTicks) = (pace, PaceLearning.Window(_windowTicks, retryAfter));
            (_sinceUtcTicks, _nextSendUtcTicks) = (untilUtcTicks, untilUtcTicks);
        }
    }

    /// <summary>How long a request holding <paramref name="turnUtcTicks"/> (0: none yet; taken here if paced) must still wait.</summary>
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
            (_rank, _of, var since) = (share.Rank, Math.Max(1, share.Of), share.PaceSince.UtcTicks);
            if (share.Pace is not { } pace)
            {
                _pace = null;
                return;
            }

            if (_pace is null || since != _sinceUtcTicks) _nextSendUtcTicks = Math.Max(_nextSendUtcTicks, since);
            (_pace, _sinceUtcTicks, _windowTicks) = (pace, since, share.Window.Ticks);
            _nextSendUtcTicks = Math.Max(_nextSendUtcTicks, nowUtcTicks - _windowTicks); // the fleet decides when an unused pace is forgotten
        }
    }

    public void Alone()
    {
        lock (_lock) _of = 1;
    }

    private int CountAnsweredLocked(long from, long to) => _answeredUtcTicks.Count(t => t > from && t <= to);

    private double? AtLocked(long now) =>
        _pace is null || now - _nextSendUtcTicks > _windowTicks * PaceLearning.IdleWindowsToForget
            ? null
            : PaceLearning.Grown(_pace, now, _sinceUtcTicks, _windowTicks);
}
