
namespace LeadFunctions.Tests.Reliability;

/// <summary>
/// The fault suite runs on its own, after the other tests: it loads the machine and kills processes, and its timings
/// (leases, restarts) should not compete with other tests. <c>LEADFUNCTIONS_FAULTS=long</c> runs every scenario
/// longer (more leads, more faults, more generated bodies).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection : ICollectionFixture<Azurite>
{
    public const string Name = "Reliability";

    public static bool LongRun => string.Equals(Environment.GetEnvironmentVariable("LEADFUNCTIONS_FAULTS"), "long", StringComparison.OrdinalIgnoreCase);
}
