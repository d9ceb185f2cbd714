namespace LeadFunctions.Destinations.Http;

/// <summary>
/// How much this app sends to one CRM, shared by every worker (the guidance of Dataverse, Salesforce and HubSpot alike):
/// <list type="bullet">
/// <item>a "not before" gate: after a <c>429</c>, nobody sends until its <c>Retry-After</c> has passed; a server that
/// says its window is used up (<see cref="Pause"/>) closes the gate the same way;</item>
/// <item>a concurrency limit: at most <see cref="Limit"/> deliveries in flight. It starts at
/// <c>MaxConcurrency</c> (or the server's lower hint, e.g. Dataverse's <c>x-ms-dop-hint</c>), halves when a throttling
/// episode starts, and grows back by one after each <see cref="Limit"/> successes in a row — sending less while
/// throttled, ramping up gradually.</item>
/// </list>
/// One instance per destination: each CRM counts its own limits.
/// </summary>
public sealed class DestinationThrottle
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private readonly TimeProvider _time;
    private readonly int _maxConcurrency;
    private int? _hint;
    private int _limit;
    private int _inFlight;
    private int _successes;
    private long _notBeforeUtcTicks;

    public DestinationThrottle(int maxConcurrency, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _maxConcurrency = maxConcurrency;
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

    private int CeilingLocked => _hint is { } hint ? Math.Min(_maxConcurrency, hint) : _maxConcurrency;

    /// <summary>Waits for a slot under the concurrency limit; dispose the slot when the delivery is done.</summary>
    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_inFlight < _limit && _waiting.Count == 0)
            {
                _inFlight++;
                return new Slot(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.AddLast(waiter);
        }

        await using (cancellationToken.Register(() => Cancel(waiter, cancellationToken)).ConfigureAwait(false))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        return new Slot(this);
    }

    /// <summary>Waits until the gate opens, when that is at most <paramref name="maxWait"/> away; false (without waiting) when it is further.</summary>
    public async Task<bool> WaitForGateAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        while (Remaining is var wait && wait > TimeSpan.Zero)
        {
            if (wait > maxWait) return false;
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>A <c>429</c>: close the gate for <paramref name="retryAfter"/>; a new throttling episode also halves the limit.</summary>
    public void Throttled(TimeSpan retryAfter)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var until = now + (retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1)).Ticks;
        lock (_lock)
        {
            // Answers to requests sent before the gate closed are the same episode: halve once per episode.
            if (_notBeforeUtcTicks <= now) _limit = Math.Max(1, _limit / 2);
            if (until > _notBeforeUtcTicks) Volatile.Write(ref _notBeforeUtcTicks, until);
            _successes = 0;
        }
    }

    /// <summary>
    /// The server says its window has no room left (e.g. HubSpot's <c>X-HubSpot-RateLimit-Remaining: 0</c>): close the
    /// gate for <paramref name="wait"/> without counting it as throttling, so nobody draws a <c>429</c>.
    /// </summary>
    public void Pause(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero) return;
        var until = _time.GetUtcNow().UtcTicks + wait.Ticks;
        lock (_lock)
        {
            if (until > _notBeforeUtcTicks) Volatile.Write(ref _notBeforeUtcTicks, until);
        }
    }

    /// <summary>A request the server accepted: after <see cref="Limit"/> of them in a row, allow one more in flight.</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            if (_limit >= CeilingLocked || ++_successes < _limit) return;
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
            if (_hint == hint) return;
            var wasAtCeiling = _limit >= CeilingLocked;
            _hint = hint;
            // Lowered at once; raised only if we were running at full speed (otherwise it ramps up by itself).
            if (_limit > CeilingLocked || wasAtCeiling) _limit = CeilingLocked;
            ReleaseWaitingLocked();
        }
    }

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
        while (_inFlight < _limit && _waiting.First is { } first)
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

    private sealed class Slot(DestinationThrottle owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Release();
        }
    }
}
