using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Limits.Fleet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Destinations.Limits;

/// <summary>How instances share one CRM user's limits through the fleet table (<see cref="FleetRules"/>, <see cref="FleetCoordinator"/>), on a fake clock.</summary>
public sealed class FleetRulesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void A_newcomer_takes_only_slots_nobody_claims_and_the_claims_never_add_up_to_more_than_the_limit()
    {
        var fleet = new FleetSnapshot(null, null, []);
        var a = Renew(ref fleet, "a", inFlight: 0);
        Assert.Equal(8, a.Share.Concurrency); // alone: its own ceiling, not slowed by the fleet

        var b = Renew(ref fleet, "b", inFlight: 0);
        Assert.Equal(2, b.Share.Concurrency); // a holds 8 of 10: b waits for a to give some back
        Assert.Equal(10, fleet.Limit!.Claims.Values.Sum());

        a = Renew(ref fleet, "a", inFlight: 7);
        Assert.Equal(5, a.Share.Concurrency); // its fair half from now on...
        Assert.Equal(7, fleet.Limit!.Claims["a"]); // ...but it claims what is still in flight
        Assert.Equal(9, fleet.Limit!.Claims.Values.Sum());

        b = Renew(ref fleet, "b", inFlight: 2);
        Assert.Equal(3, b.Share.Concurrency);
        a = Renew(ref fleet, "a", inFlight: 4);
        b = Renew(ref fleet, "b", inFlight: 3);
        Assert.Equal((5, 5), (a.Share.Concurrency, b.Share.Concurrency));
        Assert.Equal(10, fleet.Limit!.Claims.Values.Sum());

        var c = Renew(ref fleet, "c", inFlight: 0);
        Assert.Equal(0, c.Share.Concurrency); // nothing free until a and b give back
        a = Renew(ref fleet, "a", inFlight: 0);
        b = Renew(ref fleet, "b", inFlight: 0);
        c = Renew(ref fleet, "c", inFlight: 0);
        Assert.Equal([4, 3, 3], new[] { a, b, c }.Select(d => d.Share.Concurrency));
        Assert.True(fleet.Limit!.Claims.Values.Sum() <= 10);
    }

    [Fact]
    public void A_member_that_stops_renewing_keeps_its_claim_until_its_last_attempt_must_have_ended_then_the_others_take_it()
    {
        var fleet = new FleetSnapshot(null, null, []);
        Renew(ref fleet, "a", inFlight: 0);
        Renew(ref fleet, "b", inFlight: 0);
        Renew(ref fleet, "a", inFlight: 0);
        Assert.Equal(5, Renew(ref fleet, "b", inFlight: 0).Share.Concurrency);

        _time.Advance(Timeout); // a stopped renewing (crashed, or starved): its membership has lapsed...
        var b = Renew(ref fleet, "b", inFlight: 0);
        Assert.Equal(1, b.Instances);
        Assert.Equal(5, b.Share.Concurrency); // ...but an attempt it started just before may still be running
        Assert.Equal(10, fleet.Limit!.Claims.Values.Sum());

        _time.Advance(AttemptTimeout);
        b = Renew(ref fleet, "b", inFlight: 0);
        Assert.Equal(8, b.Share.Concurrency);
        Assert.Equal(["b"], fleet.Limit!.Claims.Keys);
    }

    [Fact]
    public void A_429_at_one_instance_closes_every_gate_and_the_pace_is_learned_from_every_instance_s_answers()
    {
        var fleet = new FleetSnapshot(null, null, []);
        Renew(ref fleet, "a", inFlight: 0);
        Renew(ref fleet, "b", inFlight: 0);
        var throttled = Now;

        var a = Renew(ref fleet, "a", inFlight: 0, answered: 60, seen: new ThrottleEpisode(throttled, TimeSpan.FromSeconds(10), Learn: true));
        Assert.Equal(throttled + TimeSpan.FromSeconds(10), a.Share.NotBefore);
        Assert.Null(a.Share.Pace); // b has not counted yet
        Assert.Null(a.Learned);

        var b = Renew(ref fleet, "b", inFlight: 0, answered: 40);
        Assert.Equal(throttled + TimeSpan.FromSeconds(10), b.Share.NotBefore); // b never saw a 429 itself
        Assert.Equal(0.95 * 100 / 10, b.Learned!.Value, precision: 6); // 60 + 40 answered in the 10 s window, at 95 %
        Assert.Equal(9.5 / 2, b.Share.Pace!.Value, precision: 6); // each busy instance paces at its half
        Assert.Equal(throttled + TimeSpan.FromSeconds(10), b.Share.PaceSince);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(9.5 / 2, Renew(ref fleet, "a", inFlight: 0).Share.Pace!.Value, precision: 6);
        Assert.Equal(9.5, Renew(ref fleet, "b", inFlight: 0, busy: true, onlyBusy: true).Share.Pace!.Value, precision: 6); // a has nothing to send
    }

    [Fact]
    public void A_pace_nobody_has_used_for_four_windows_is_forgotten()
    {
        var fleet = new FleetSnapshot(null, null, []);
        Renew(ref fleet, "a", inFlight: 0, answered: 100, seen: new ThrottleEpisode(Now, TimeSpan.FromSeconds(10), Learn: true));
        Assert.Equal(9.5, Renew(ref fleet, "a", inFlight: 0).Share.Pace!.Value, precision: 6);

        _time.Advance(TimeSpan.FromSeconds(10 + 39));
        Assert.NotNull(Renew(ref fleet, "a", inFlight: 0).Share.Pace);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Null(Renew(ref fleet, "a", inFlight: 0).Share.Pace);
    }

    [Fact]
    public async Task A_starting_instance_sends_nothing_before_it_holds_a_claim()
    {
        var throttle = new DestinationThrottle(8, _time);
        var coordinator = new FleetCoordinator(Settings(10), throttle, new InMemoryFleetStore(), FleetSettings(), _time, NullLogger<FleetCoordinator>.Instance, "a");

        var entering = throttle.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(entering.IsCompleted);
        long turn = 0;
        Assert.True(Assert.Throws<DestinationThrottledException>(() => throttle.NextTurn(ref turn)).NoSlot);

        await coordinator.RenewAsync(CancellationToken.None);
        using (await entering.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(TimeSpan.Zero, throttle.NextTurn(ref turn));
        }
    }

    [Fact]
    public async Task An_instance_that_cannot_renew_keeps_its_share_while_its_membership_lasts_then_sends_nothing_until_it_renews()
    {
        var store = new InMemoryFleetStore();
        var throttle = new DestinationThrottle(8, _time);
        var coordinator = new FleetCoordinator(Settings(10), throttle, store, FleetSettings(), _time, NullLogger<FleetCoordinator>.Instance, "a");
        var other = new FleetCoordinator(Settings(10), new DestinationThrottle(8, _time), store, FleetSettings(), _time, NullLogger<FleetCoordinator>.Instance, "b");
        await coordinator.RenewAsync(CancellationToken.None);
        await other.RenewAsync(CancellationToken.None);
        await coordinator.RenewAsync(CancellationToken.None);
        await other.RenewAsync(CancellationToken.None);
        Assert.Equal(5, throttle.Limit);

        store.Down = true;
        _time.Advance(TimeSpan.FromSeconds(2));
        await coordinator.RenewAsync(CancellationToken.None);
        Assert.True(throttle.Shared);
        using (await throttle.EnterAsync(CancellationToken.None))
        {
            // the share in force still holds
        }

        _time.Advance(Timeout - TimeSpan.FromSeconds(2)); // its membership has lapsed, as the others see it
        await coordinator.RenewAsync(CancellationToken.None);
        Assert.False(throttle.Shared);
        var entering = throttle.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(entering.IsCompleted); // no slot...
        long turn = 0;
        Assert.True(Assert.Throws<DestinationThrottledException>(() => throttle.NextTurn(ref turn)).NoSlot); // ...and no attempt

        store.Down = false;
        _time.Advance(TimeSpan.FromSeconds(2));
        await coordinator.RenewAsync(CancellationToken.None);
        Assert.True(throttle.Shared);
        using (await entering.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(5, throttle.Limit); // b's claim stands until its own last attempt must have ended
        }
    }

    [Fact]
    public async Task A_delivery_left_without_any_slot_gives_up_after_the_longest_wait_and_comes_back_through_the_queue()
    {
        var throttle = new DestinationThrottle(8, _time, maxGateWait: TimeSpan.FromSeconds(30));
        _ = new FleetCoordinator(Settings(10), throttle, new InMemoryFleetStore { Down = true }, FleetSettings(), _time, NullLogger<FleetCoordinator>.Instance, "a");

        var entering = throttle.EnterAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(30));

        var refused = await Assert.ThrowsAsync<DestinationThrottledException>(() => entering.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(refused.NoSlot);
    }

    private FleetDecision Renew(
        ref FleetSnapshot fleet, string id, int inFlight, int answered = 0, ThrottleEpisode? seen = null, bool busy = true, bool onlyBusy = false)
    {
        var members = onlyBusy ? fleet.Members.Select(m => m with { Busy = m.Id == id }).ToList() : fleet.Members;
        var local = new FleetLocal(id, 8, inFlight, busy, null, seen is null ? [] : [seen], (_, _) => answered);
        var decision = FleetRules.Decide(fleet with { Members = members }, local, 10, Timeout, TimeSpan.FromSeconds(1), Now, AttemptTimeout);
        var written = fleet.Members.Where(m => m.Id != id).Append(decision.Member).ToList();
        fleet = new FleetSnapshot(decision.LimitChanged ? decision.Limit : fleet.Limit, null, written);
        return decision;
    }

    private static FleetOptions FleetSettings() => new() { RenewEvery = TimeSpan.FromSeconds(2), MemberTimeout = Timeout };

    private static DataverseSettings Settings(int fleetMaxConcurrency) => new(Options.Create(new DataverseOptions
    {
        Url = "https://contoso.crm.dynamics.com", Credential = DataverseCredential.None, FleetMaxConcurrency = fleetMaxConcurrency,
    }));
}
