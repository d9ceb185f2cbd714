using LeadFunctions.Destinations.Limits;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Destinations.Limits;

/// <summary>The fleet's share applied to one throttle, without a coordinator or a table.</summary>
public sealed class FleetSharingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void A_share_sets_the_gate_the_pace_and_the_slots_and_the_fleet_then_learns_from_429s()
    {
        var throttle = new DestinationThrottle(8, _time);
        var seen = new List<ThrottleEpisode>();
        throttle.Fleet.Episodes = seen.Add;
        for (var i = 0; i < 100; i++) throttle.Answered(succeeded: true);

        var share = new FleetShare(3, Pace: 4, Now, TimeSpan.FromSeconds(10), NotBefore: Now + TimeSpan.FromSeconds(2));

        throttle.Fleet.Apply(share, heldUntil: Now + TimeSpan.FromSeconds(10));

        Assert.True(throttle.Shared);
        Assert.Equal((3, 3, 8), (throttle.Limit, throttle.Ceiling, throttle.Fleet.OwnCeiling));
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.Remaining);
        Assert.Equal(4, throttle.Pace!.Value, precision: 6);

        _time.Advance(TimeSpan.FromSeconds(2));
        throttle.Throttled(TimeSpan.FromSeconds(1)); // 100 answers, but the fleet learns: the pace stays the fleet's
        Assert.Equal(4, throttle.Pace!.Value, precision: 2); // (grown by 1 % per four windows)
        Assert.Equal(new ThrottleEpisode(Now, TimeSpan.FromSeconds(1), Learn: true), Assert.Single(seen));
    }

    [Fact]
    public void Unshared_it_learns_alone_again()
    {
        var throttle = new DestinationThrottle(8, _time);
        throttle.Fleet.Apply(new FleetShare(8, Pace: null, Now, TimeSpan.Zero, Now), Now + TimeSpan.FromSeconds(10));
        for (var i = 0; i < 100; i++) throttle.Answered(succeeded: true);

        throttle.Fleet.Unshare();
        throttle.Throttled(TimeSpan.FromSeconds(1));

        Assert.False(throttle.Shared);
        Assert.Equal(95, throttle.Pace!.Value, precision: 6);
    }

    [Fact]
    public void A_renewal_reads_its_answers_its_last_turn_and_whether_it_was_busy()
    {
        var throttle = new DestinationThrottle(8, _time);
        throttle.Answered(succeeded: true, sentAt: Now - TimeSpan.FromSeconds(3));
        throttle.Answered(succeeded: false);

        Assert.Equal(1, throttle.Fleet.CountAnswered(Now - TimeSpan.FromSeconds(1), Now));
        Assert.Equal(2, throttle.Fleet.CountAnswered(Now - TimeSpan.FromSeconds(5), Now));
        Assert.Null(throttle.Fleet.LastPacedTurn);
        Assert.False(throttle.Fleet.TakeBusy());
        Assert.Equal(0, throttle.Fleet.InFlight);
    }

    [Fact]
    public void No_attempt_starts_without_a_claim_held_once_one_is_awaited()
    {
        var throttle = new DestinationThrottle(8, _time);
        throttle.Fleet.AwaitClaim();
        long turn = 0;

        var refused = Assert.Throws<DestinationThrottledException>(() => throttle.NextTurn(ref turn));

        Assert.True(refused.NoSlot);
        throttle.Fleet.Apply(new FleetShare(8, Pace: null, Now, TimeSpan.Zero, Now), Now + TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, throttle.NextTurn(ref turn));
        _time.Advance(TimeSpan.FromSeconds(10)); // lapsed
        Assert.True(Assert.Throws<DestinationThrottledException>(() => throttle.NextTurn(ref turn)).NoSlot);
        Assert.Equal(0, throttle.Fleet.Relinquish()); // nothing in flight
    }
}
