using LeadFunctions.Destinations.Limits;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Destinations.Limits;

/// <summary>The slots and the fleet claim they are given under (docs/design.md, "D6. Many instances, one CRM limit", "The invariant").</summary>
public sealed class SlotsTests
{
    private static readonly TimeSpan Forever = TimeSpan.FromSeconds(60); // a test's patience, never reached when all is well
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private long Now => _time.GetUtcNow().UtcTicks;

    [Fact]
    public async Task At_most_the_limit_is_in_flight_in_the_order_asked_for()
    {
        var slots = new Slots(1, _time, TimeSpan.MaxValue);
        var first = await slots.EnterAsync(CancellationToken.None);
        var second = slots.EnterAsync(CancellationToken.None).AsTask();
        var third = slots.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(Forever)).Dispose();
        (await third.WaitAsync(Forever)).Dispose();
        Assert.Equal(0, slots.InFlight);
    }

    [Fact]
    public async Task A_starting_instance_has_no_slot_and_no_claim_until_its_first_claim_is_written()
    {
        var slots = new Slots(8, _time, TimeSpan.MaxValue);
        Assert.True(slots.HoldsClaim(Now)); // alone, no claim is needed

        slots.AwaitClaim();
        var entering = slots.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(entering.IsCompleted);
        Assert.False(slots.HoldsClaim(Now));

        slots.Hold(5, _time.GetUtcNow() + TimeSpan.FromSeconds(10));
        (await entering.WaitAsync(Forever)).Dispose();
        Assert.True(slots.HoldsClaim(Now));
        Assert.Equal(5, slots.Limit);
    }

    [Fact]
    public async Task A_lapsed_claim_gives_no_slot_and_a_renewal_lets_the_waiting_in()
    {
        var slots = new Slots(8, _time, TimeSpan.MaxValue);
        slots.AwaitClaim();
        slots.Hold(5, _time.GetUtcNow() + TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(slots.HoldsClaim(Now));
        var entering = slots.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(entering.IsCompleted);

        slots.Hold(5, _time.GetUtcNow() + TimeSpan.FromSeconds(10));
        (await entering.WaitAsync(Forever)).Dispose();
    }

    [Fact]
    public async Task A_shrinking_share_is_applied_first_and_the_requests_in_flight_are_returned_to_be_claimed()
    {
        var slots = new Slots(8, _time, TimeSpan.MaxValue);
        var held = new List<IDisposable>();
        for (var i = 0; i < 6; i++) held.Add(await slots.EnterAsync(CancellationToken.None));

        Assert.Equal(6, slots.HoldTo(2));

        Assert.Equal(2, slots.Limit);
        var entering = slots.EnterAsync(CancellationToken.None).AsTask();
        for (var i = 0; i < 4; i++) held[i].Dispose();
        Assert.False(entering.IsCompleted); // two still in flight: no room under the smaller share
        held[4].Dispose();
        (await entering.WaitAsync(Forever)).Dispose();
        held[5].Dispose();
        Assert.Equal(0, slots.HoldTo(8)); // a larger share waits for the claim: nothing changes here
        Assert.Equal(2, slots.Limit);
    }

    [Fact]
    public async Task A_leaving_instance_takes_no_more_slots_and_learns_what_is_still_in_flight()
    {
        var slots = new Slots(8, _time, TimeSpan.MaxValue);
        slots.AwaitClaim();
        slots.Hold(8, _time.GetUtcNow() + TimeSpan.FromSeconds(10));
        var held = await slots.EnterAsync(CancellationToken.None);

        Assert.Equal(1, slots.Relinquish());

        Assert.False(slots.HoldsClaim(Now));
        Assert.False(slots.EnterAsync(CancellationToken.None).AsTask().IsCompleted);
        held.Dispose();
        Assert.Equal(0, slots.Relinquish());
    }

    [Fact]
    public async Task Without_any_slot_a_delivery_gives_up_after_the_longest_wait()
    {
        var slots = new Slots(8, _time, TimeSpan.FromSeconds(30));
        slots.AwaitClaim();

        var entering = slots.EnterAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True((await Assert.ThrowsAsync<DestinationThrottledException>(() => entering.WaitAsync(Forever))).NoSlot);
    }

    [Fact]
    public async Task Busy_is_whether_a_slot_was_held_or_waited_for_since_the_last_look()
    {
        var slots = new Slots(8, _time, TimeSpan.MaxValue);
        Assert.False(slots.TakeBusy());

        (await slots.EnterAsync(CancellationToken.None)).Dispose();

        Assert.True(slots.TakeBusy());
        Assert.False(slots.TakeBusy());
    }
}
