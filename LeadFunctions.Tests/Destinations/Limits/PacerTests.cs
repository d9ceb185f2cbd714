using LeadFunctions.Destinations.Limits;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Destinations.Limits;

public sealed class PacerTests
{
    private static readonly long Second = TimeSpan.TicksPerSecond;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private long Now => _time.GetUtcNow().UtcTicks;

    [Fact]
    public void Nothing_is_paced_before_a_429_and_a_turn_is_then_not_taken()
    {
        var pacer = new Pacer();
        long turn = 0;

        Assert.Null(pacer.At(Now));
        Assert.Equal(TimeSpan.Zero, pacer.NextTurn(ref turn, Now));
        Assert.Equal(0, turn);
        Assert.Null(pacer.LastTurn);
    }

    [Fact]
    public void Answers_count_from_when_their_requests_were_sent()
    {
        var pacer = new Pacer();
        pacer.Answered(Now - (2 * Second), Now); // sent 2 s ago, answered now
        pacer.Answered(Now, Now);

        Assert.Equal(1, pacer.CountAnswered(Now - Second, Now));
        Assert.Equal(2, pacer.CountAnswered(Now - (3 * Second), Now));
    }

    [Fact]
    public void A_429_teaches_95_percent_of_the_rate_answered_and_turns_start_when_the_gate_opens()
    {
        var pacer = new Pacer();
        for (var i = 0; i < 100; i++) pacer.Answered(Now, Now);

        pacer.Learn(Now, Now + Second, TimeSpan.FromSeconds(1));

        Assert.Equal(95, pacer.At(Now)!.Value, precision: 6);
        long first = 0, second = 0;
        Assert.Equal(TimeSpan.FromSeconds(1), pacer.NextTurn(ref first, Now)); // the pace starts when the gate opens
        Assert.Equal(1 + (1 / 95.0), pacer.NextTurn(ref second, Now).TotalSeconds, precision: 6);
        Assert.Equal(new DateTimeOffset(second, TimeSpan.Zero), pacer.LastTurn);
    }

    [Fact]
    public void Too_few_answers_teach_nothing_and_an_unused_pace_is_forgotten_after_four_windows()
    {
        var pacer = new Pacer();
        for (var i = 0; i < 9; i++) pacer.Answered(Now, Now);
        pacer.Learn(Now, Now + Second, TimeSpan.FromSeconds(1));
        Assert.Null(pacer.At(Now));

        pacer.Answered(Now, Now);
        pacer.Learn(Now, Now + Second, TimeSpan.FromSeconds(1)); // 10: enough
        Assert.NotNull(pacer.At(Now));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.NotNull(pacer.At(Now));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Null(pacer.At(Now));
    }

    [Fact]
    public void In_a_fleet_each_instance_takes_its_own_turns_of_the_fleets_pace_interleaved_with_the_others()
    {
        var since = new DateTimeOffset(Now, TimeSpan.Zero);
        var turns = Enumerable.Range(0, 2).Select(rank =>
        {
            var pacer = new Pacer();
            pacer.Share(new FleetShare(8, Pace: 5, since, TimeSpan.FromSeconds(10), since, Rank: rank, Of: 2), Now);
            return Enumerable.Range(0, 3).Select(_ =>
            {
                long turn = 0;
                pacer.NextTurn(ref turn, Now);
                return (turn - Now) / (double)Second;
            }).ToList();
        }).ToList();

        Assert.Equal([0, 0.2, 0.4], turns[0].Select(t => Math.Round(t, 2))); // the fleet's pace is 10/s: every other tenth of a second
        Assert.Equal([0.1, 0.3, 0.5], turns[1].Select(t => Math.Round(t, 2)));
    }

    [Fact]
    public void Alone_again_it_paces_at_the_pace_it_had_without_waiting_for_the_others_turns()
    {
        var since = new DateTimeOffset(Now, TimeSpan.Zero);
        var pacer = new Pacer();
        pacer.Share(new FleetShare(8, Pace: 5, since, TimeSpan.FromSeconds(10), since, Rank: 1, Of: 2), Now);

        pacer.Alone();

        long first = 0, second = 0;
        Assert.Equal(TimeSpan.Zero, pacer.NextTurn(ref first, Now));
        Assert.Equal(0.2, pacer.NextTurn(ref second, Now).TotalSeconds, precision: 6);
    }

    [Fact]
    public void A_share_without_a_pace_stops_pacing()
    {
        var since = new DateTimeOffset(Now, TimeSpan.Zero);
        var pacer = new Pacer();
        pacer.Share(new FleetShare(8, Pace: 5, since, TimeSpan.FromSeconds(10), since), Now);
        Assert.Equal(5, pacer.At(Now)!.Value, precision: 6);

        pacer.Share(new FleetShare(8, Pace: null, since, TimeSpan.FromSeconds(10), since), Now);

        Assert.Null(pacer.At(Now));
    }
}
