using LeadFunctions.Destinations.Limits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Destinations.Limits;

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
        (await third.WaitAsync(TimeSpan.FromSeconds(60))).Dispose();
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
        var throttle = new DestinationThrottle(8, _time, maxGateWait: TimeSpan.FromMinutes(1));

        throttle.Throttled(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), throttle.Remaining);
        var waiting = throttle.PaceAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.Zero, throttle.Remaining);
        Assert.Null(throttle.Pace); // nothing answered before the 429: no rate to learn
    }

    [Fact]
    public async Task A_gate_further_away_than_the_longest_wait_is_not_waited_for()
    {
        var throttle = new DestinationThrottle(8, _time, maxGateWait: TimeSpan.FromSeconds(10));

        throttle.Throttled(TimeSpan.FromSeconds(30));

        var refused = await Assert.ThrowsAsync<DestinationThrottledException>(() => throttle.PaceAsync(CancellationToken.None).AsTask());
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Wait);
        _time.Advance(TimeSpan.FromSeconds(25));
        var waiting = throttle.PaceAsync(CancellationToken.None).AsTask(); // 5 s left: waited for
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(5));
        await waiting.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Nothing_is_paced_before_the_first_429()
    {
        var throttle = new DestinationThrottle(8, _time);

        for (var i = 0; i < 1000; i++)
        {
            Assert.True(throttle.PaceAsync(CancellationToken.None).AsTask().IsCompletedSuccessfully);
            throttle.Answered(succeeded: true);
        }

        Assert.Null(throttle.Pace);
    }

    [Fact]
    public void A_429_teaches_the_rate_answered_within_its_Retry_After_and_later_requests_are_spaced_at_95_percent_of_it()
    {
        var throttle = new DestinationThrottle(8, _time);
        for (var i = 0; i < 30; i++) throttle.Answered(succeeded: true); // long before: outside the window
        _time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 100; i++)
        {
            throttle.Answered(succeeded: true);
            _time.Advance(TimeSpan.FromMilliseconds(5));
        }

        throttle.Throttled(TimeSpan.FromSeconds(1));
        var started = _time.GetUtcNow();
        Assert.Equal(95, throttle.Pace!.Value, precision: 6); // 100 answered in the last second

        // Ten requests waiting at once go one by one, 1/95 s apart, from the moment the gate opens.
        var turns = new long[10];
        var waits = turns.Select((_, i) => throttle.NextTurn(ref turns[i])).ToArray();
        Assert.All(waits, w => Assert.Equal(TimeSpan.FromSeconds(1), w)); // the gate first: no turn is taken while it is closed
        _time.Advance(TimeSpan.FromSeconds(1));
        var went = new List<TimeSpan>();
        for (var i = 0; i < turns.Length; i++)
        {
            TimeSpan wait;
            while ((wait = throttle.NextTurn(ref turns[i])) > TimeSpan.Zero) _time.Advance(wait);
            went.Add(_time.GetUtcNow() - started);
        }

        Assert.Equal(TimeSpan.FromSeconds(1), went[0]);
        for (var i = 1; i < went.Count; i++) Assert.Equal(1000 / 95.0, (went[i] - went[i - 1]).TotalMilliseconds, precision: 1); // (creeping up by 1 % per 4 s)
    }

    [Fact]
    public void A_turn_taken_before_a_new_429_is_void_the_request_waits_for_the_gate_and_its_new_turn()
    {
        var throttle = new DestinationThrottle(8, _time);
        for (var i = 0; i < 10; i++) throttle.Answered(succeeded: true);
        throttle.Throttled(TimeSpan.FromSeconds(1)); // paced at 9.5/s
        _time.Advance(TimeSpan.FromSeconds(1));
        long first = 0, second = 0;
        Assert.Equal(TimeSpan.Zero, throttle.NextTurn(ref first));
        Assert.Equal(TimeSpan.FromSeconds(1 / 9.5).TotalMilliseconds, throttle.NextTurn(ref second).TotalMilliseconds, precision: 2);

        throttle.Throttled(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(3), throttle.NextTurn(ref second));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.Zero, throttle.NextTurn(ref second)); // first in line when the gate opens
    }

    [Fact]
    public async Task A_request_paced_in_process_waits_for_its_turn()
    {
        var throttle = new DestinationThrottle(8, _time);
        for (var i = 0; i < 10; i++) throttle.Answered(succeeded: true);
        throttle.Throttled(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        await throttle.PaceAsync(CancellationToken.None); // its turn is now

        var next = throttle.PaceAsync(CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(106));
        await next.WaitAsync(TimeSpan.FromSeconds(60));

        using var cts = new CancellationTokenSource();
        var cancelled = throttle.PaceAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
    }

    [Fact]
    public void A_429_while_paced_never_speeds_up_and_one_with_too_few_answers_lowers_the_pace_by_the_margin_only()
    {
        var throttle = new DestinationThrottle(8, _time);
        for (var i = 0; i < 100; i++) throttle.Answered(succeeded: true);
        throttle.Throttled(TimeSpan.FromSeconds(1));
        Assert.Equal(95, throttle.Pace!.Value, precision: 6);

        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 200; i++) throttle.Answered(succeeded: true); // more than paced: not a reason to go faster
        throttle.Throttled(TimeSpan.FromSeconds(1));
        Assert.Equal(95, throttle.Pace!.Value, precision: 6);

        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 9; i++) throttle.Answered(succeeded: true);
        throttle.Throttled(TimeSpan.FromSeconds(1)); // refused after 9 answers (e.g. others used the window up): too few to learn from
        Assert.Equal(95 * 0.95, throttle.Pace!.Value, precision: 6);

        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 20; i++) throttle.Answered(succeeded: true);
        throttle.Throttled(TimeSpan.FromSeconds(1));
        Assert.Equal(19, throttle.Pace!.Value, precision: 6); // what was answered, when that is lower
    }

    [Fact]
    public void A_first_429_after_fewer_than_ten_answers_sets_no_pace()
    {
        var throttle = new DestinationThrottle(8, _time);
        for (var i = 0; i < 9; i++) throttle.Answered(succeeded: true);

        throttle.Throttled(TimeSpan.FromSeconds(1));

        Assert.Null(throttle.Pace); // a rate learned from a handful of answers (say, right after an outage) would crawl
    }

    [Fact]
    public void The_pace_creeps_up_by_one_percent_every_four_windows_while_used_and_is_forgotten_after_four_idle_windows()
    {
        var throttle = new DestinationThrottle(8, _time);
        for (var i = 0; i < 100; i++) throttle.Answered(succeeded: true);
        throttle.Throttled(TimeSpan.FromSeconds(5)); // window 5 s: 20/s learned, paced at 19/s
        Assert.Equal(19, throttle.Pace!.Value, precision: 6);
        var gateOpens = _time.GetUtcNow() + TimeSpan.FromSeconds(5);

        while (_time.GetUtcNow() < gateOpens + TimeSpan.FromSeconds(100)) // a backlog: a request in every turn
        {
            long turn = 0;
            TimeSpan wait;
            while ((wait = throttle.NextTurn(ref turn)) > TimeSpan.Zero) _time.Advance(wait);
        }

        var windows = (_time.GetUtcNow() - gateOpens).TotalSeconds / 5;
        Assert.Equal(19 * Math.Pow(1.01, windows / 4), throttle.Pace!.Value, precision: 6); // about 19.96 after 20 windows

        _time.Advance(TimeSpan.FromSeconds(21)); // no request for more than four windows: the backlog is over
        Assert.Null(throttle.Pace);
        long next = 0;
        Assert.Equal(TimeSpan.Zero, throttle.NextTurn(ref next));
    }

    /// <summary>
    /// One sender (a request at a time, 5 ms each: 200/s unthrottled) against a server that admits 100 requests per
    /// sliding window and answers the rest 429 + Retry-After, on the fake clock: after the first 429 the throttle
    /// paces, so the server is kept near its limit with few 429s — instead of bursting and idling a whole window
    /// after each burst (at a 1 s window that reached only 0.69 of the allowed rate, with a 429 per window).
    /// </summary>
    [Theory]
    [InlineData(1, false, 2000)]
    [InlineData(5, false, 1000)]
    [InlineData(5, true, 1000)] // Retry-After = until the oldest admitted request leaves the window
    [InlineData(60, true, 3000)]
    public void Against_a_sliding_window_limit_the_pace_gets_at_least_90_percent_of_the_allowed_rate_with_few_429s(int windowSeconds, bool exactRetryAfter, int leads)
    {
        var window = TimeSpan.FromSeconds(windowSeconds);
        const int Allowed = 100;
        var throttle = new DestinationThrottle(8, _time);
        var admitted = new Queue<DateTimeOffset>();
        var started = _time.GetUtcNow();
        var episodes = 0;

        for (var created = 0; created < leads;)
        {
            long turn = 0;
            TimeSpan wait;
            while ((wait = throttle.NextTurn(ref turn)) > TimeSpan.Zero) _time.Advance(wait);
            _time.Advance(TimeSpan.FromMilliseconds(5));
            var now = _time.GetUtcNow();
            while (admitted.Count > 0 && now - admitted.Peek() >= window) admitted.Dequeue();
            if (admitted.Count < Allowed)
            {
                admitted.Enqueue(now);
                throttle.Answered(succeeded: true);
                created++;
            }
            else
            {
                if (throttle.Remaining == TimeSpan.Zero) episodes++;
                var retryAfter = exactRetryAfter ? TimeSpan.FromSeconds(Math.Ceiling((admitted.Peek() + window - now).TotalSeconds)) : window;
                throttle.Throttled(retryAfter);
            }
        }

        var rate = leads / (_time.GetUtcNow() - started).TotalSeconds;
        var allowedRate = Allowed / window.TotalSeconds;
        Assert.True(rate >= 0.9 * allowedRate, $"{rate:F1}/s against {allowedRate:F1}/s allowed ({rate / allowedRate:P0}), {episodes} throttling episodes");
        Assert.InRange(episodes, 1, 3);
    }

    [Fact]
    public void Each_throttling_episode_is_logged_once_with_the_pace_it_taught()
    {
        using var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var throttle = new DestinationThrottle(8, _time, logger: factory.CreateLogger<DestinationThrottle>(), destination: "Dataverse");

        throttle.Throttled(TimeSpan.FromSeconds(1)); // nothing answered yet
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 100; i++) throttle.Answered(succeeded: true);
        throttle.Throttled(TimeSpan.FromSeconds(1));
        throttle.Throttled(TimeSpan.FromSeconds(1)); // the same episode

        Assert.Collection(
            logs.Messages(LogLevel.Warning),
            m => Assert.Equal("Dataverse asked this app to wait 00:00:01 (rate limit): every worker waits, then sends 4 at a time (no answers yet to learn a rate from)", m),
            m => Assert.Equal("Dataverse asked this app to wait 00:00:01 (rate limit): every worker waits, then sends at most 95.0 requests/s, 4 at a time", m)); // (back to 8 after the successes, halved again)
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

        for (var i = 0; i < 2; i++) throttle.Answered(succeeded: true);
        Assert.Equal(3, throttle.Limit);
        for (var i = 0; i < 3; i++) throttle.Answered(succeeded: true);
        Assert.Equal(4, throttle.Limit);
        for (var i = 0; i < 100; i++) throttle.Answered(succeeded: true);
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
