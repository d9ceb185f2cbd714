using LeadFunctions.Destinations.Limits;

namespace LeadFunctions.Tests.Destinations.Limits;

public sealed class ConcurrencyLimitTests
{
    [Fact]
    public void An_episode_halves_it_and_successes_ramp_it_up_one_at_a_time_to_the_ceiling()
    {
        var limit = new ConcurrencyLimit(8);
        Assert.True(limit.AtCeiling);

        Assert.Equal(4, limit.Throttled(episode: true));
        Assert.Equal(4, limit.Throttled(episode: false)); // the same episode
        Assert.False(limit.AtCeiling);

        Assert.Equal([false, false, false, true], Enumerable.Range(0, 4).Select(_ => limit.Succeeded()));
        Assert.Equal(5, limit.Value);
        for (var i = 0; i < 100; i++) limit.Succeeded();
        Assert.Equal(8, limit.Value);
        Assert.False(limit.Succeeded()); // never above the ceiling
    }

    [Fact]
    public void A_429_ends_the_run_of_successes()
    {
        var limit = new ConcurrencyLimit(8);
        limit.Throttled(episode: true);
        for (var i = 0; i < 3; i++) limit.Succeeded();

        limit.Throttled(episode: false);

        Assert.Equal([false, false, false, true], Enumerable.Range(0, 4).Select(_ => limit.Succeeded()));
    }

    [Fact]
    public void The_servers_hint_and_the_fleets_share_lower_the_ceiling_and_only_MaxConcurrency_bounds_the_own_ceiling()
    {
        var limit = new ConcurrencyLimit(8);

        Assert.True(limit.Hint(3));
        Assert.False(limit.Hint(3)); // no change
        Assert.False(limit.Hint(0)); // nonsense
        Assert.Equal((3, 3, 3), (limit.Value, limit.Ceiling, limit.OwnCeiling));

        Assert.True(limit.Hint(50));
        Assert.Equal((8, 8, 8), (limit.Value, limit.Ceiling, limit.OwnCeiling));

        limit.Share(5);
        Assert.Equal((5, 5, 8), (limit.Value, limit.Ceiling, limit.OwnCeiling));
        limit.Share(-1);
        Assert.Equal((0, 0), (limit.Value, limit.Ceiling)); // no slot at all
        limit.Share(6);
        Assert.Equal(6, limit.Value); // from zero it rises: nothing would ramp it up
    }

    [Fact]
    public void A_higher_ceiling_raises_a_limit_at_its_ceiling_and_leaves_a_ramping_one_to_ramp()
    {
        var limit = new ConcurrencyLimit(8);
        limit.Share(4);
        limit.Share(6);
        Assert.Equal(6, limit.Value); // it was at its ceiling: full speed

        limit.Throttled(episode: true); // 3
        limit.Share(8);
        Assert.Equal(3, limit.Value); // ramping up by itself
    }
}
