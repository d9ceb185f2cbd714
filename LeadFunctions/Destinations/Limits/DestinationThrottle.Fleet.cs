namespace LeadFunctions.Destinations.Limits;

/// <summary>
/// What the <see cref="Fleet.FleetCoordinator"/> reads from and sets on the throttle, so that every app instance sharing
/// one CRM user behaves as one client: the fleet's gate, this instance's share of the fleet's pace and concurrency, and
/// the answers this instance counted for learning the fleet's pace.
/// </summary>
public sealed partial class DestinationThrottle
{
    private bool _busy;
    private bool _claimed;
    private long _heldUntilUtcTicks;
    private long _pacedTurnUtcTicks;
    private int _turnRank;
    private int _turnsOf = 1;

    /// <summary>Whether the fleet's share is applied (false: alone, as a single instance, or fallen back).</summary>
    public bool Shared
    {
        get
        {
            lock (_lock) return _shared;
        }
    }

    /// <summary>Told of every <c>429</c> and every pause, for the fleet coordinator to share with the other instances.</summary>
    internal Action<ThrottleEpisode>? Episodes { get; set; }

    /// <summary>The ceiling of this instance alone (<c>MaxConcurrency</c>, or the server's lower hint): the most it claims from the fleet.</summary>
    internal int OwnCeiling
    {
        get
        {
            lock (_lock) return OwnCeilingLocked;
        }
    }

    /// <summary>When this instance last took a paced turn (null: never): a pace nobody uses is forgotten.</summary>
    internal DateTimeOffset? LastPacedTurn
    {
        get
        {
            lock (_lock) return _pacedTurnUtcTicks == 0 ? null : new DateTimeOffset(_pacedTurnUtcTicks, TimeSpan.Zero);
        }
    }

    /// <summary>Whether any delivery held or waited for a slot since the last call: only busy instances share the pace.</summary>
    internal bool TakeBusy()
    {
        lock (_lock)
        {
            var busy = _busy || _inFlight > 0 || _waiting.Count > 0;
            _busy = false;
            return busy;
        }
    }

    /// <summary>The answers other than <c>429</c> this instance got after <paramref name="from"/> and up to <paramref name="to"/>.</summary>
    internal int CountAnswered(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock) return CountAnsweredLocked(from.UtcTicks, to.UtcTicks);
    }

    /// <summary>
    /// From now on — before any request is sent — this instance sends only within a claim on the fleet's concurrency
    /// that it holds (docs/design.md, "D6. Many instances, one CRM limit"): none until the first renewal, and none once the last one has lapsed.
    /// </summary>
    internal void AwaitClaim()
    {
        lock (_lock)
        {
            _claimed = true;
            ChangeCeilingLocked(() => _externalCeiling = 0);
        }
    }

    /// <summary>Takes no more slots and starts no more attempts: the instance is leaving the fleet. Returns the requests still in flight.</summary>
    internal int Relinquish()
    {
        lock (_lock)
        {
            _heldUntilUtcTicks = 0;
            return _inFlight;
        }
    }

    /// <summary>
    /// Applies the fleet's share: at most <see cref="FleetShare.Concurrency"/> in flight (never above this instance's own
    /// ceiling), the fleet's gate, and this instance's part of the fleet's pace (which creeps up as every instance's
    /// does, from the same start). Learning from a <c>429</c> is then the fleet's: this instance only reports it.
    /// The claim behind the share is this instance's until <paramref name="heldUntil"/> (its membership's end, as
    /// the others see it): after that it takes no slot and starts no attempt until a renewal extends it.
    /// </summary>
    internal void Share(FleetShare share, DateTimeOffset heldUntil)
    {
        lock (_lock)
        {
            _shared = true;
            _heldUntilUtcTicks = heldUntil.UtcTicks;
            (_turnRank, _turnsOf) = (share.Rank, Math.Max(1, share.Of));
            ChangeCeilingLocked(() => _externalCeiling = Math.Max(0, share.Concurrency));
            var now = _time.GetUtcNow().UtcTicks;
            if (share.Pace is { } pace)
            {
                if (_pace is null || share.PaceSince.UtcTicks != _paceSinceUtcTicks) _nextSendUtcTicks = Math.Max(_nextSendUtcTicks, share.PaceSince.UtcTicks);
                _pace = pace;
                _paceSinceUtcTicks = share.PaceSince.UtcTicks;
                _windowTicks = share.Window.Ticks;
                _nextSendUtcTicks = Math.Max(_nextSendUtcTicks, now - _windowTicks); // the fleet decides when an unused pace is forgotten
            }
            else
            {
                _pace = null;
            }

            ReleaseWaitingLocked();
        }

        HoldUntil(share.NotBefore.UtcTicks);
    }

    /// <summary>
    /// Before this instance's smaller claim is written: from now on at most <paramref name="concurrency"/> new requests
    /// start, so those in flight (returned) are all it can have until they end — what it must go on claiming. Without
    /// this, requests started between reading the in-flight count and applying the share would overlap the slots it
    /// gives back to the others.
    /// </summary>
    internal int HoldTo(int concurrency)
    {
        lock (_lock)
        {
            if (concurrency < CeilingLocked) ChangeCeilingLocked(() => _externalCeiling = Math.Max(0, concurrency));
            return _inFlight;
        }
    }

    /// <summary>
    /// The fleet cannot be reached and this instance's membership has lapsed: it learns its pace from its own answers
    /// again, starting from the share it had. With a fleet-wide concurrency limit it sends nothing meanwhile, since its
    /// claim has lapsed too.
    /// </summary>
    internal void Unshare()
    {
        lock (_lock) _shared = false;
    }

    /// <summary>Whether this instance has no slot to give at all (a zero share, or a fleet claim it does not hold), rather than all of them busy.</summary>
    private bool HasNoSlots
    {
        get
        {
            lock (_lock) return _limit == 0 || !HoldsClaimLocked(_time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>Whether one more delivery may take a slot now.</summary>
    private bool MayEnterLocked(long now) => _inFlight < _limit && HoldsClaimLocked(now);

    /// <summary>Whether this instance may send now: alone always; in a fleet with a concurrency limit, only while it holds its claim.</summary>
    private bool HoldsClaimLocked(long now) => !_claimed || now < _heldUntilUtcTicks;

    /// <summary>Nobody sends before <paramref name="untilUtcTicks"/> (the gate only ever moves later).</summary>
    private void HoldUntil(long untilUtcTicks)
    {
        lock (_lock)
        {
            if (untilUtcTicks > _notBeforeUtcTicks) Volatile.Write(ref _notBeforeUtcTicks, untilUtcTicks);
        }
    }

    private int CountAnsweredLocked(long fromUtcTicks, long toUtcTicks) => _answeredUtcTicks.Count(t => t > fromUtcTicks && t <= toUtcTicks);

    /// <summary>
    /// In a fleet, this instance's first turn at or after <paramref name="earliest"/>, and the one after it. The fleet's
    /// turns are numbered from the start of its pace (which grows the same for every instance), and this instance takes
    /// every <see cref="FleetShare.Of"/>-th, from its <see cref="FleetShare.Rank"/>: the instances' turns interleave
    /// evenly — one client's pace — instead of bunching up now and then into more than the server's window admits.
    /// </summary>
    private (long Turn, long Next) FleetTurnLocked(long earliest)
    {
        var fleetPace = _pace!.Value * _turnsOf;
        var turns = PaceLearning.TurnsWithin(fleetPace, _windowTicks, earliest - _paceSinceUtcTicks);
        var mine = _turnRank + (_turnsOf * Math.Ceiling(((turns - _turnRank) / _turnsOf) - 0.001)); // less a hair: rounding
        return (_paceSinceUtcTicks + (long)Math.Ceiling(PaceLearning.TicksUntil(fleetPace, _windowTicks, mine)),
                _paceSinceUtcTicks + (long)Math.Ceiling(PaceLearning.TicksUntil(fleetPace, _windowTicks, mine + _turnsOf)));
    }
}

/// <summary>
/// What one instance saw of a CRM's limit: a <c>429</c> (<paramref name="Learn"/>: the fleet learns its pace from it) or
/// the server saying its window is used up (a pause, nothing to learn), at <paramref name="At"/>, asking to wait <paramref name="Wait"/>.
/// </summary>
public sealed record ThrottleEpisode(DateTimeOffset At, TimeSpan Wait, bool Learn);

/// <summary>
/// One instance's share of what the fleet may send to a CRM user: in flight at once, requests per second (null: not
/// paced) from <paramref name="PaceSince"/> over a server window of <paramref name="Window"/>, and nobody before
/// <paramref name="NotBefore"/>; its turns come <paramref name="Rank"/>-th of every <paramref name="Of"/> of the fleet's.
/// </summary>
public sealed record FleetShare(int Concurrency, double? Pace, DateTimeOffset PaceSince, TimeSpan Window, DateTimeOffset NotBefore, int Rank = 0, int Of = 1);
