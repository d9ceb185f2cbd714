namespace LeadFunctions.Destinations.Limits;

/// <summary>
/// How much this app sends to one CRM, shared by every worker (the guidance of Dataverse, Salesforce and HubSpot alike):
/// <list type="bullet">
/// <item>a "not before" gate: after a <c>429</c>, nobody sends until its <c>Retry-After</c> has passed; a server that
/// says its window is used up (<see cref="Pause"/>) closes the gate the same way;</item>
/// <item>a pace: a <c>429</c> teaches the rate the server admits — the requests it answered (anything but a
/// <c>429</c>) that were sent within the last <c>Retry-After</c>, taken as its window — and from then on requests are spaced at
/// <see cref="PaceMargin"/> of that rate instead of bursting into the next <c>429</c> and idling for a whole
/// <c>Retry-After</c> (docs/benchmarks.md, section 5). The pace creeps up by 1 % every <see cref="WindowsPerStep"/>
/// windows without a <c>429</c>, so a limit that was raised (or shared with a sender that stopped) is found again; a
/// <c>429</c> while paced learns again, never faster than the pace it interrupted. Before the first <c>429</c>
/// nothing is paced, and a pace nobody used for <see cref="IdleWindowsToForget"/> windows is forgotten;</item>
/// <item>a concurrency limit: at most <see cref="Limit"/> deliveries in flight. It starts at
/// <c>MaxConcurrency</c> (or the server's lower hint, e.g. Dataverse's <c>x-ms-dop-hint</c>), halves when a throttling
/// episode starts, and grows back by one after each <see cref="Limit"/> successes in a row — sending less while
/// throttled, ramping up gradually.</item>
/// </list>
/// One instance per destination: each CRM counts its own limits. When several app instances share one CRM user, the
/// destination's <see cref="Fleet.FleetCoordinator"/> shares the gate, the pace and the concurrency among them
/// (<c>DestinationThrottle.Fleet.cs</c>).
/// </summary>
public sealed partial class DestinationThrottle
{
    /// <summary>The share of the learned rate requests are paced at: the margin absorbs timing jitter on the way to the server.</summary>
    public const double PaceMargin = 0.95;

    /// <summary>The pace grows by 1 % after this many windows without a <c>429</c>.</summary>
    public const int WindowsPerStep = 4;

    /// <summary>
    /// Fewer answers than this within the look-back are too few to learn a rate from (right after an outage, or when
    /// another sender used the server's window up): a first <c>429</c> then sets no pace, a later one lowers the pace
    /// by the margin only — a rate learned from two answers would crawl for hours.
    /// </summary>
    public const int MinAnswersToLearn = 10;

    /// <summary>A pace nobody took a turn of for this many windows is forgotten: the next backlog learns afresh.</summary>
    public const int IdleWindowsToForget = 4;

    /// <summary>The shortest and longest window a <c>Retry-After</c> is taken for when learning a rate.</summary>
    public static readonly TimeSpan ShortestWindow = TimeSpan.FromSeconds(1), LongestWindow = TimeSpan.FromMinutes(5);

    /// <summary>At most this many answers are remembered for learning (a lower count gives a lower, safe rate).</summary>
    private const int MaxRemembered = 1 << 16;

    private readonly Lock _lock = new();
    private readonly Queue<long> _answeredUtcTicks = new(); // when each request answered other than 429 was sent
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private readonly TimeProvider _time;
    private readonly int _maxConcurrency;
    private readonly TimeSpan _maxGateWait;
    private readonly ILogger _logger;
    private readonly string _destination;
    private int? _hint;
    private int? _externalCeiling;
    private bool _shared;
    private int _limit;
    private int _inFlight;
    private int _successes;
    private long _notBeforeUtcTicks;
    private double? _pace;
    private long _paceSinceUtcTicks;
    private long _windowTicks;
    private long _nextSendUtcTicks;

    /// <param name="maxConcurrency">The most deliveries in flight at once (<c>MaxConcurrency</c>).</param>
    /// <param name="time">The clock.</param>
    /// <param name="maxGateWait">The longest a request waits for the gate (<c>MaxThrottleWait</c>); a longer wait throws <see cref="DestinationThrottledException"/>.</param>
    /// <param name="logger">Where each throttling episode is logged, with the pace it taught.</param>
    /// <param name="destination">The CRM's name, for the log.</param>
    public DestinationThrottle(int maxConcurrency, TimeProvider time, TimeSpan? maxGateWait = null, ILogger<DestinationThrottle>? logger = null, string destination = "CRM")
    {
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _destination = destination;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _maxConcurrency = maxConcurrency;
        _maxGateWait = maxGateWait ?? TimeSpan.MaxValue;
        _limit = maxConcurrency;
        _time = time;
    }

    /// <summary>The current concurrency limit.</summary>
    public int Limit
    {
        get
        {
            lock (_lock) return _limit;
        }
    }

    /// <summary>The highest the limit may grow: <c>MaxConcurrency</c>, or the server's hint when lower.</summary>
    public int Ceiling
    {
        get
        {
            lock (_lock) return CeilingLocked;
        }
    }

    public int InFlight
    {
        get
        {
            lock (_lock) return _inFlight;
        }
    }

    /// <summary>How long nobody may send yet (zero when the gate is open).</summary>
    public TimeSpan Remaining
    {
        get
        {
            var wait = new DateTimeOffset(Volatile.Read(ref _notBeforeUtcTicks), TimeSpan.Zero) - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }

    /// <summary>The requests per second sent now (a learned rate, creeping up), or null while nothing has been throttled.</summary>
    public double? Pace
    {
        get
        {
            lock (_lock) return PaceLocked(_time.GetUtcNow().UtcTicks);
        }
    }

    private int CeilingLocked => _externalCeiling is { } external ? Math.Min(OwnCeilingLocked, external) : OwnCeilingLocked;

    /// <summary>The ceiling of this instance alone: <c>MaxConcurrency</c>, or the server's hint when lower.</summary>
    private int OwnCeilingLocked => _hint is { } hint ? Math.Min(_maxConcurrency, hint) : _maxConcurrency;

    /// <summary>
    /// Waits for a slot under the concurrency limit; dispose the slot when the delivery is done. While the fleet leaves
    /// this instance no slot at all (more instances than the CRM user's concurrency), it waits at most the longest
    /// wait allowed.
    /// </summary>
    /// <exception cref="DestinationThrottledException">No slot came within the longest wait allowed.</exception>
    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            _busy = true;
            if (_waiting.Count == 0 && MayEnterLocked(_time.GetUtcNow().UtcTicks))
            {
                _inFlight++;
                return new Slot(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.AddLast(waiter);
        }

        await using (cancellationToken.Register(() => Cancel(waiter, cancellationToken)).ConfigureAwait(false))
        {
            // Busy slots free up as deliveries end; no slots at all (a zero share, or a fleet claim not held) may last:
            // after each longest wait allowed with none, the delivery gives up and comes back through the queue.
            while (_maxGateWait != TimeSpan.MaxValue && !waiter.Task.IsCompleted)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(_maxGateWait, _time, timeout.Token);
                var first = await Task.WhenAny(waiter.Task, delay).ConfigureAwait(false);
                await timeout.CancelAsync().ConfigureAwait(false);
                if (first == delay && delay.IsCompletedSuccessfully && HasNoSlots && GiveUp(waiter))
                {
                    throw new DestinationThrottledException(_maxGateWait, noSlot: true);
                }
            }

            await waiter.Task.ConfigureAwait(false);
        }

        return new Slot(this);
    }

    /// <summary>
    /// Waits until one request may go to the server: the gate is open and, once a rate has been learned, its turn in the
    /// pace has come. Each HTTP attempt calls this right before it is sent.
    /// </summary>
    /// <exception cref="DestinationThrottledException">The gate stays closed for longer than the longest wait allowed.</exception>
    public async ValueTask PaceAsync(CancellationToken cancellationToken)
    {
        long turn = 0;
        while (NextTurn(ref turn) is var wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One step of <see cref="PaceAsync"/>: how long a request must still wait (zero: send now), given the turn it
    /// holds (<paramref name="turnUtcTicks"/>, 0 for none; a turn is taken when the gate is open and a pace is set).
    /// A <c>429</c> that closes the gate meanwhile voids the turn: the request waits for the gate and takes a new one.
    /// </summary>
    internal TimeSpan NextTurn(ref long turnUtcTicks)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (!HoldsClaimLocked(now)) throw new DestinationThrottledException(TimeSpan.Zero, noSlot: true, lapsed: true);
            if (_notBeforeUtcTicks > now)
            {
                turnUtcTicks = 0;
                var gate = TimeSpan.FromTicks(_notBeforeUtcTicks - now);
                return gate <= _maxGateWait ? gate : throw new DestinationThrottledException(gate);
            }

            if (turnUtcTicks == 0)
            {
                if (PaceLocked(now) is not { } pace) return TimeSpan.Zero;
                var earliest = Math.Max(now, _nextSendUtcTicks);
                (turnUtcTicks, _nextSendUtcTicks) = _shared && _turnsOf > 1
                    ? FleetTurnLocked(earliest)
                    : (earliest, earliest + (long)(TimeSpan.TicksPerSecond / pace));
                _pacedTurnUtcTicks = turnUtcTicks;
            }

            return turnUtcTicks > now ? TimeSpan.FromTicks(turnUtcTicks - now) : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// A <c>429</c>: close the gate for <paramref name="retryAfter"/>. The first one of an episode (answers to requests
    /// sent before the gate closed belong to it) halves the concurrency limit and learns the pace — from this
    /// instance's answers, or, in a fleet, from every instance's (the coordinator hears of it and closes everyone's gate).
    /// </summary>
    public void Throttled(TimeSpan retryAfter)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (retryAfter <= TimeSpan.Zero) retryAfter = TimeSpan.FromSeconds(1);
        var until = now + retryAfter.Ticks;
        bool episode, shared;
        double? pace;
        int limit;
        lock (_lock)
        {
            episode = _notBeforeUtcTicks <= now;
            shared = _shared;
            if (episode)
            {
                _limit = Math.Max(Math.Min(1, CeilingLocked), _limit / 2);
                if (!shared) LearnPaceLocked(now, until, retryAfter);
            }

            if (until > _notBeforeUtcTicks) Volatile.Write(ref _notBeforeUtcTicks, until);
            _successes = 0;
            (pace, limit) = (PaceLocked(until), _limit);
        }

        Episodes?.Invoke(new ThrottleEpisode(new DateTimeOffset(now, TimeSpan.Zero), retryAfter, Learn: true));
        if (!episode) return;
        if (shared) LogWaitingWithFleet(_logger, _destination, retryAfter, limit);
        else if (pace is { } learned) LogPaced(_logger, _destination, retryAfter, learned, limit);
        else LogWaiting(_logger, _destination, retryAfter, limit);
    }

    /// <summary>
    /// The server says its window has no room left (e.g. HubSpot's <c>X-HubSpot-RateLimit-Remaining: 0</c>): close the
    /// gate for <paramref name="wait"/> without counting it as throttling, so nobody draws a <c>429</c>.
    /// </summary>
    public void Pause(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero) return;
        var now = _time.GetUtcNow().UtcTicks;
        HoldUntil(now + wait.Ticks);
        Episodes?.Invoke(new ThrottleEpisode(new DateTimeOffset(now, TimeSpan.Zero), wait, Learn: false));
    }

    /// <summary>
    /// An answer other than a <c>429</c>: the server counted the request against its limit when it was sent
    /// (<paramref name="sentAt"/>, default now; remembered for learning the pace). A success (<paramref name="succeeded"/>)
    /// also counts towards ramping up: after <see cref="Limit"/> of them in a row, one more may be in flight.
    /// </summary>
    public void Answered(bool succeeded, DateTimeOffset? sentAt = null)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var sent = Math.Min(now, sentAt?.UtcTicks ?? now);
        lock (_lock)
        {
            while (_answeredUtcTicks.Count > 0 && (_answeredUtcTicks.Count >= MaxRemembered || _answeredUtcTicks.Peek() <= now - LongestWindow.Ticks))
            {
                _answeredUtcTicks.Dequeue();
            }

            _answeredUtcTicks.Enqueue(sent);
            if (!succeeded || _limit >= CeilingLocked || ++_successes < _limit) return;
            _limit++;
            _successes = 0;
            ReleaseWaitingLocked();
        }
    }

    /// <summary>The server's recommended degree of parallelism (Dataverse's <c>x-ms-dop-hint</c>): the limit never exceeds it.</summary>
    public void AdoptHint(int hint)
    {
        if (hint < 1) return;
        lock (_lock)
        {
            if (_hint != hint) ChangeCeilingLocked(() => _hint = hint);
        }
    }

    /// <summary>
    /// Changes what the ceiling depends on: the limit is lowered at once, and raised only if it was at the ceiling
    /// (running at full speed; otherwise it ramps up by itself) or at zero (nothing would ever ramp it up).
    /// </summary>
    private void ChangeCeilingLocked(Action change)
    {
        var wasAtCeiling = _limit >= CeilingLocked;
        change();
        if (_limit > CeilingLocked || wasAtCeiling || _limit == 0) _limit = CeilingLocked;
        ReleaseWaitingLocked();
    }

    /// <summary>
    /// Learns the pace from the answers within a look-back: the <c>Retry-After</c> (taken as the server's window) on
    /// the first <c>429</c>; while paced, everything since the pace began (a short <c>Retry-After</c> — the time until
    /// the oldest request leaves the server's window — would undercount). Look-backs are bounded by
    /// <see cref="ShortestWindow"/> and <see cref="LongestWindow"/>. The pace is <see cref="PaceMargin"/> of the
    /// rate answered, never faster than the pace that drew this <c>429</c>; with fewer than
    /// <see cref="MinAnswersToLearn"/> answers to learn from, a pace is lowered by the margin (and a first <c>429</c>
    /// sets none).
    /// </summary>
    private void LearnPaceLocked(long now, long until, TimeSpan retryAfter)
    {
        var current = PaceLocked(now);
        var lookBack = PaceLearning.LookBack(current, retryAfter, now, _paceSinceUtcTicks);
        if (PaceLearning.Learn(current, CountAnsweredLocked(now - lookBack, now), lookBack) is not { } pace) return;

        _pace = pace;
        _windowTicks = PaceLearning.Window(_windowTicks, retryAfter);
        _paceSinceUtcTicks = until; // the pace starts when the gate opens, and creeps up from there
        _nextSendUtcTicks = until;
    }

    /// <summary>
    /// The learned pace plus 1 % per <see cref="WindowsPerStep"/> windows since it was learned; null when none, when
    /// nobody has taken a turn for <see cref="IdleWindowsToForget"/> windows, or when it has grown past any use.
    /// </summary>
    private double? PaceLocked(long now) =>
        _pace is null || now - _nextSendUtcTicks > _windowTicks * IdleWindowsToForget ? null : PaceLearning.Grown(_pace, now, _paceSinceUtcTicks, _windowTicks);

    private void Release()
    {
        lock (_lock)
        {
            _inFlight--;
            ReleaseWaitingLocked();
        }
    }

    private void ReleaseWaitingLocked()
    {
        var now = _time.GetUtcNow().UtcTicks;
        while (MayEnterLocked(now) && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            if (first.Value.TrySetResult()) _inFlight++;
        }
    }

    private void Cancel(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_waiting.Remove(waiter)) waiter.TrySetCanceled(cancellationToken);
        }
    }

    /// <summary>Takes a waiter out of the line unless it has been given its slot meanwhile; true when it was taken out.</summary>
    private bool GiveUp(TaskCompletionSource waiter)
    {
        lock (_lock)
        {
            if (!_waiting.Remove(waiter)) return false;
            waiter.TrySetCanceled();
            return true;
        }
    }

    private sealed class Slot(DestinationThrottle owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination} asked this app to wait {RetryAfter} (rate limit): every worker waits, then sends at most {Pace:F1} requests/s, {Limit} at a time")]
    private static partial void LogPaced(ILogger logger, string destination, TimeSpan retryAfter, double pace, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination} asked this app to wait {RetryAfter} (rate limit): every worker waits, then sends {Limit} at a time (no answers yet to learn a rate from)")]
    private static partial void LogWaiting(ILogger logger, string destination, TimeSpan retryAfter, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination} asked this app to wait {RetryAfter} (rate limit): every worker of every instance waits, then this one sends {Limit} at a time, paced by what all instances were answered")]
    private static partial void LogWaitingWithFleet(ILogger logger, string destination, TimeSpan retryAfter, int limit);
}
