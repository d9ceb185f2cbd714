using Xunit.Abstractions;

namespace LeadFunctions.Tests.Destinations;

public sealed class FleetExploreTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 0)]
    [InlineData(true, 30)]
    [InlineData(false, 30)]
    public async Task Explore(bool shared, int joinEverySeconds)
    {
        var sim = new FleetSimulation(100, TimeSpan.FromSeconds(10), 26, TimeSpan.FromMilliseconds(200), shared);
        for (var i = 0; i < 6; i++)
        {
            sim.Join();
            if (joinEverySeconds > 0) await sim.RunAsync(TimeSpan.FromSeconds(joinEverySeconds));
        }

        await sim.RunAsync(TimeSpan.FromSeconds(300));
        output.WriteLine($"shared={shared} join={joinEverySeconds}: created {sim.Created} in {sim.Elapsed.TotalSeconds:F0} s = {sim.Created / sim.Elapsed.TotalSeconds / sim.Allowed:F3}x, 429 {sim.Throttled} (over concurrency {sim.OverConcurrency}), peak {sim.PeakConcurrency}, limit writes {sim.Store.LimitWrites}");
    }
}
