using LeadFunctions.Destinations.Limits;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Destinations.Limits;

public sealed class GateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private long Now => _time.GetUtcNow().UtcTicks;

    [Fact]
    public void It_is_open_until_closed_and_then_until_the_time_it_was_closed_for()
    {
        var gate = new Gate(_time, TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.Zero, gate.Remaining);

        Assert.True(gate.Close(Now + TimeSpan.FromSeconds(30).Ticks, Now)); // it was open: a new episode

        Assert.Equal(TimeSpan.FromSeconds(30), gate.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(30), gate.Wait(Now));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.Zero, gate.Wait(Now));
    }

    [Fact]
    public void It_only_ever_moves_later_and_closing_it_while_closed_is_the_same_episode()
    {
        var gate = new Gate(_time, TimeSpan.FromMinutes(1));
        gate.Close(Now + TimeSpan.FromSeconds(30).Ticks, Now);

        Assert.False(gate.Close(Now + TimeSpan.FromSeconds(10).Ticks, Now)); // sooner: no change
        Assert.Equal(TimeSpan.FromSeconds(30), gate.Remaining);
        Assert.False(gate.Close(Now + TimeSpan.FromSeconds(40).Ticks, Now)); // later: moves, still the same episode
        Assert.Equal(TimeSpan.FromSeconds(40), gate.Remaining);
    }

    [Fact]
    public void A_wait_longer_than_the_longest_allowed_is_refused_with_how_long_it_is()
    {
        var gate = new Gate(_time, TimeSpan.FromSeconds(10));
        gate.Close(Now + TimeSpan.FromSeconds(30).Ticks, Now);

        Assert.Equal(TimeSpan.FromSeconds(30), Assert.Throws<DestinationThrottledException>(() => gate.Wait(Now)).Wait);
        _time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(TimeSpan.FromSeconds(5), gate.Wait(Now));
    }

    [Fact]
    public async Task Of_many_closing_it_at_once_exactly_one_starts_the_episode()
    {
        var gate = new Gate(_time, TimeSpan.FromMinutes(1));
        var now = Now;

        var episodes = await Task.WhenAll(Enumerable.Range(1, 64).Select(i => Task.Run(() => gate.Close(now + TimeSpan.FromSeconds(i).Ticks, now))));

        Assert.Equal(1, episodes.Count(e => e));
        Assert.Equal(TimeSpan.FromSeconds(64), gate.Remaining);
    }
}
