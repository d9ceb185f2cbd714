namespace LeadFunctions.Destinations.Limits;

/// <summary>In the order asked for; the fleet claim is kept here, so taking a slot and giving it back exclude each other.</summary>
internal sealed class Slots(int maxConcurrency, TimeProvider time, TimeSpan maxWait)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private readonly ConcurrencyLimit _limit = new(maxConcurrency);
    private int _inFlight;
    private bool _busy;
    private bool _claimed;
    private long _heldUntilUtcTicks;

    public int Limit { get { lock (_lock) return _limit.Value; } }

    public int Ceiling { get { lock (_lock) return _limit.Ceiling; } }

    public int OwnCeiling { get { lock (_lock) return _limit.OwnCeiling; } }

    public int InFlight { get { lock (_lock) return _inFlight; } }

    /// <summary>Whether nothing can be given at all (a zero share, a claim not held), rather than every slot being busy.</summary>
    private bool HasNoSlots { get { lock (_lock) return _limit.Value == 0 || !HoldsClaim(time.GetUtcNow().UtcTicks); } }

    /// <summary>Waits for a slot; dispose it when done. While there is no slot at all, it gives up after the longest wait.</summary>
    /// <exception cref="DestinationThrottledException">No slot came within the longest wait allowed.</exception>
    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            _busy = true;
            if (_waiting.Count == 0 && MayEnterLocked(time.GetUtcNow().UtcTicks))
            {
                _inFlight++;
                return new Slot(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.AddLast(waiter);
        }

        await using (cancellationToken.Register(() => GiveUp(waiter, cancellationToken)).ConfigureAwait(false))
        {
            // Busy slots free up as deliveries end; no slots at all may last: the lead then comes back through the queue.
            while (maxWait != TimeSpan.MaxValue && !waiter.Task.IsCompleted)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(maxWait, time, timeout.Token);
                var first = await Task.WhenAny(waiter.Task, delay).ConfigureAwait(false);
                await timeout.CancelAsync().ConfigureAwait(false);
                if (first == delay && delay.IsCompletedSuccessfully && HasNoSlots && GiveUp(waiter, default))
                {
                    throw new DestinationThrottledException(maxWait, noSlot: true);
                }
            }

            await waiter.Task.ConfigureAwait(false);
        }

        return new Slot(this);
    }

    public int Throttled(bool episode)
    {
        lock (_lock) return _limit.Throttled(episode);
    }

    public void Succeeded()
    {
        if (_limit.AtCeiling) return; // the usual case, without the lock
        lock (_lock)
        {
            if (_limit.Succeeded()) ReleaseWaitingLocked();
        }
    }

    public void AdoptHint(int hint)
    {
        lock (_lock)
        {
            if (_limit.Hint(hint)) ReleaseWaitingLocked();
        }
    }

    /// <summary>From now on, slots are given only within a claim held: none before the first <see cref="Hold"/>.</summary>
    public void AwaitClaim() => Change(() =>
    {
        Volatile.Write(ref _claimed, true);
        _limit.Share(0);
    });

    public void Hold(int share, DateTimeOffset heldUntil) => Change(() =>
    {
        Volatile.Write(ref _heldUntilUtcTicks, heldUntil.UtcTicks);
        _limit.Share(share);
    });

    /// <summary>At most <paramref name="share"/> new requests from now on, if fewer; returns those in flight, which the claim must cover.</summary>
    public int HoldTo(int share)
    {
        lock (_lock)
        {
            if (share < _limit.Ceiling)
            {
                _limit.Share(share);
                ReleaseWaitingLocked();
            }

            return _inFlight;
        }
    }

    public int Relinquish()
    {
        lock (_lock)
        {
            Volatile.Write(ref _heldUntilUtcTicks, 0);
            return _inFlight;
        }
    }

    /// <summary>Whether this instance may send at <paramref name="nowUtcTicks"/>: always without a claim awaited, else while it is held.</summary>
    public bool HoldsClaim(long nowUtcTicks) => !Volatile.Read(ref _claimed) || nowUtcTicks < Volatile.Read(ref _heldUntilUtcTicks);

    /// <summary>Whether a delivery held or waited for a slot since the last call: only busy instances share the pace.</summary>
    public bool TakeBusy()
    {
        lock (_lock)
        {
            var busy = _busy || _inFlight > 0 || _waiting.Count > 0;
            _busy = false;
            return busy;
        }
    }

    /// <summary>Changes the limit or the claim (never on the hot path: the lambda allocates), then lets in whom it made room.</summary>
    private void Change(Action change)
    {
        lock (_lock)
        {
            change();
            ReleaseWaitingLocked();
        }
    }

    private bool MayEnterLocked(long now) => _inFlight < _limit.Value && HoldsClaim(now);

    private void ReleaseWaitingLocked()
    {
        var now = time.GetUtcNow().UtcTicks;
        while (MayEnterLocked(now) && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            if (first.Value.TrySetResult()) _inFlight++;
        }
    }

    private bool GiveUp(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_waiting.Remove(waiter)) return false;
            waiter.TrySetCanceled(cancellationToken);
            return true;
        }
    }

    private sealed class Slot(Slots owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            lock (owner._lock)
            {
                owner._inFlight--;
                owner.ReleaseWaitingLocked();
            }
        }
    }
}
