using Xunit.Abstractions;

namespace LeadFunctions.Tests.Destinations.Limits;

/// <summary>
/// Six instances draining a backlog into one CRM user on a fake clock (<see cref="FleetSimulation"/>): the CRM admits
/// 100 requests per sliding 10 s and 26 at once (Dataverse's 6,000 per 5 minutes and 52 at once, scaled down with the
/// ratio of concurrency to rate kept), each request takes 200 ms, each instance has 8 slots. With the fleet sharing the
/// limits they behave as one client; the last test shows what the same fleets do without it.
/// </summary>
public sealed class FleetSimulationTests(ITestOutputHelper output)
{
    private const int Requests = 100;
    private const int Concurrency = 26;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Six_instances_that_start_together_stay_within_the_user_s_concurrency_and_get_at_least_90_percent_of_its_rate()
    {
        var fleet = await RunAsync(shared: true, joinEvery: TimeSpan.Zero);

        Assert.InRange(fleet.PeakConcurrency, 1, Concurrency);
        Assert.Equal(0, fleet.OverConcurrency);
        Assert.True(Ratio(fleet) >= 0.9, $"{Ratio(fleet):F3} of the allowed rate");
        Assert.True(fleet.Throttled <= 6 * 8, $"{fleet.Throttled} 429s: at most the first burst of every slot");
    }

    [Fact]
    public async Task Six_instances_that_join_one_by_one_take_their_share_without_429s_and_get_at_least_90_percent_of_the_rate()
    {
        var fleet = await RunAsync(shared: true, joinEvery: TimeSpan.FromSeconds(30));

        Assert.True(Ratio(fleet) >= 0.9, $"{Ratio(fleet):F3} of the allowed rate");
        Assert.True(fleet.Throttled <= 8 + 2, $"{fleet.Throttled} 429s: the first instance's first burst, and the pace finding the limit once or twice");
    }

    [Fact]
    public async Task A_lone_instance_sends_as_much_sharing_the_fleet_as_alone()
    {
        var alone = new FleetSimulation(Requests, Window, Concurrency, TimeSpan.FromMilliseconds(200), shared: false);
        var sharing = new FleetSimulation(Requests, Window, Concurrency, TimeSpan.FromMilliseconds(200), shared: true);
        alone.Join();
        sharing.Join();

        await alone.RunAsync(TimeSpan.FromMinutes(5));
        await sharing.RunAsync(TimeSpan.FromMinutes(5));

        output.WriteLine($"alone {alone.Created}, sharing {sharing.Created}");
        Assert.InRange(sharing.Created, alone.Created * 0.99, alone.Created * 1.01);
    }

    [Fact]
    public async Task Without_sharing_the_same_fleets_go_over_the_concurrency_and_every_newcomer_draws_429s()
    {
        var together = await RunAsync(shared: false, joinEvery: TimeSpan.Zero);
        var joining = await RunAsync(shared: false, joinEvery: TimeSpan.FromSeconds(30));

        Assert.True(together.PeakConcurrency > Concurrency, $"peak {together.PeakConcurrency}");
        Assert.True(together.OverConcurrency > 0);
        Assert.True(joining.Throttled > 50, $"{joining.Throttled} 429s");
        Assert.True(Ratio(joining) < 0.9, $"{Ratio(joining):F3} of the allowed rate");
    }

    private async Task<FleetSimulation> RunAsync(bool shared, TimeSpan joinEvery)
    {
        var fleet = new FleetSimulation(Requests, Window, Concurrency, TimeSpan.FromMilliseconds(200), shared);
        for (var i = 0; i < 6; i++)
        {
            fleet.Join();
            if (joinEvery > TimeSpan.Zero) await fleet.RunAsync(joinEvery);
        }

        await fleet.RunAsync(TimeSpan.FromMinutes(5));
        output.WriteLine(
            $"{(shared ? "sharing" : "alone")}, joining every {joinEvery.TotalSeconds:0} s: {fleet.Created} created in {fleet.Elapsed.TotalSeconds:0} s = " +
            $"{Ratio(fleet):F3} of the allowed rate; {fleet.Throttled} 429s ({fleet.OverConcurrency} over the concurrency); peak {fleet.PeakConcurrency} at once; " +
            $"{fleet.Store.LimitWrites} writes of the shared row");
        return fleet;
    }

    private static double Ratio(FleetSimulation fleet) => fleet.Created / fleet.Elapsed.TotalSeconds / fleet.Allowed;
}
