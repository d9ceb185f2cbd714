using System.Text.Json.Nodes;
using LeadFunctions.Destinations;

namespace LeadFunctions.Tests.Destinations;

/// <summary>
/// What every per-CRM suite stands on: the CRM's strict loopback fake, started for each test and stopped after it, the
/// destination as the app wires it pointed at the fake, and the record a lead became there.
/// </summary>
public abstract class CrmSuite<TFake, TDestination> : IAsyncLifetime
    where TFake : LoopbackFake
    where TDestination : ILeadDestination
{
    protected TFake Fake { get; private set; } = null!;

    protected abstract Task<TFake> StartFakeAsync();

    /// <summary>The destination as the app wires it, pointed at <see cref="Fake"/>, with <paramref name="settings"/> changed.</summary>
    protected abstract DestinationHarness<TDestination> Harness(Action<Dictionary<string, string?>>? settings = null);

    /// <summary>The record the lead with <paramref name="leadId"/> became in <see cref="Fake"/>.</summary>
    protected abstract JsonObject RecordOf(string leadId);

    public async Task InitializeAsync() => Fake = await StartFakeAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();
}
