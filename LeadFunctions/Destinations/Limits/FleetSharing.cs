namespace LeadFunctions.Destinations.Limits;

/// <summary>The throttle's side of the fleet: what the coordinator reads of this instance, and the share it applies.</summary>
internal sealed class FleetSharing(Gate gate, Pacer pacer, Slots slots, TimeProvider time)
{
    private bool _shared;

    /// <summary>Whether the fleet's share is applied (false: alone, or fallen back).</summary>
    public bool Shared => Volatile.Read(ref _shared);

    /// <summary>Told of every <c>429</c> and pause, for the coordinator to share with the other instances at once.</summary>
    public Action<ThrottleEpisode>? Episodes { get; set; }

    public int OwnCeiling => slots.OwnCeiling;
    public int InFlight => slots.InFlight;
    public DateTimeOffset? LastPacedTurn => pacer.LastTurn;
    public int CountAnswered(DateTimeOffset from, DateTimeOffset to) => pacer.CountAnswered(from.UtcTicks, to.UtcTicks);
    public bool TakeBusy() => slots.TakeBusy();

    public void AwaitClaim() => slots.AwaitClaim();

    public int HoldTo(int concurrency) => slots.HoldTo(concurrency);

    public int Relinquish() => slots.Relinquish();

    /// <summary>Applies the fleet's share, with a claim held until <paramref name="heldUntil"/>; the fleet then learns from <c>429</c>s.</summary>
    public void Apply(FleetShare share, DateTimeOffset heldUntil)
    {
        Volatile.Write(ref _shared, true);
        var now = time.GetUtcNow().UtcTicks;
        pacer.Share(share, now);
        slots.Hold(share.Concurrency, heldUntil);
        gate.Close(share.NotBefore.UtcTicks, now);
    }

    /// <summary>The fleet cannot be reached and the membership has lapsed: the pace is learned alone again, from the one it had.</summary>
    public void Unshare()
    {
        Volatile.Write(ref _shared, false);
        pacer.Alone();
    }

    public void Saw(ThrottleEpisode episode) => Episodes?.Invoke(episode);
}
