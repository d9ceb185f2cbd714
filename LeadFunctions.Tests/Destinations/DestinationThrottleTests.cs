using LeadFunctions.Destinations.Http;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Destinations;

public sealed class DestinationThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task At_most_the_limit_is_in_flight_and_a_released_slot_lets_the_next_one_in()
    {
        var throttle = new DestinationThrottle(2, _time);
        var first = await throttle.EnterAsync(CancellationToken.None);
        var second = await throttle.EnterAsync(CancellationToken.None);

        var third = throttle.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
        Assert.Equal(2, throttle.InFlight);

        first.Dispose();
        first.Dispose(); // twice is once
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        second.Dispose();
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public async Task A_cancelled_wait_gives_up_its_place()
    {
        var throttle = new DestinationThrottle(1, _time);
        using var held = await throttle.EnterAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var waiting = throttle.EnterAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, throttle.InFlight);
    }

    [Fact]
    public async Task A_429_closes_the_gate_for_everyone_until_Retry_After_has_passed()
    {
        var throttle = new DestinationThrottle(8, _time);

        throttle.Throttled(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), throttle.Remaining);
        Assert.False(await throttle.WaitForGateAsync(TimeSpan.FromSeconds(10), CancellationToken.None)); // too long to wait in process
        var waiting = throttle.WaitForGateAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.Zero, throttle.Remaining);
    }

    [Fact]
    public void A_throttling_episode_halves_the_limit_once_and_successes_ramp_it_up_one_at_a_time()
    {
        var throttle = new DestinationThrottle(8, _time);

        throttle.Throttled(TimeSpan.FromSeconds(5));
        throttle.Throttled(TimeSpan.FromSeconds(5)); // answers to requests already in flight: same episode
        Assert.Equal(4, throttle.Limit);

        _time.Advance(TimeSpan.FromSeconds(6));
        throttle.Throttled(TimeSpan.FromSeconds(5)); // a new episode
        Assert.Equal(2, throttle.Limit);

        for (var i = 0; i < 2; i++) throttle.Succeeded();
        Assert.Equal(3, throttle.Limit);
        for (var i = 0; i < 3; i++) throttle.Succeeded();
        Assert.Equal(4, throttle.Limit);
        for (var i = 0; i < 100; i++) throttle.Succeeded();
        Assert.Equal(8, throttle.Limit); // never above MaxConcurrency
    }

    [Fact]
    public void The_servers_dop_hint_lowers_the_limit_but_never_raises_it_above_MaxConcurrency()
    {
        var throttle = new DestinationThrottle(8, _time);

        throttle.AdoptHint(3);
        Assert.Equal(3, throttle.Limit);
        Assert.Equal(3, throttle.Ceiling);

        throttle.AdoptHint(50);
        Assert.Equal(8, throttle.Limit);
        Assert.Equal(8, throttle.Ceiling);

        throttle.AdoptHint(0); // nonsense is ignored
        Assert.Equal(8, throttle.Limit);
    }
}
