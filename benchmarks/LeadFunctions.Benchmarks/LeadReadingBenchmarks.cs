using System.Text.Json;
using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using LeadFunctions.Destinations;
using LeadFunctions.Destinations.AzureTable;
using LeadFunctions.Leads;
using LeadFunctions.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using LeadFunctions.Testing;

namespace LeadFunctions.Benchmarks;

/// <summary>
/// The CPU work per lead: validate + normalise (LeadReader) and map (the Table destination's row), on the documented
/// sample lead. The baseline is what any JSON endpoint pays anyway: parsing the same bytes into a JsonDocument.
/// </summary>
[MemoryDiagnoser]
public class LeadReadingBenchmarks
{
    private byte[] _sample = [];
    private LeadDelivery _delivery = null!;
    private LeadRouter _router = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sample = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", "documented-sample-lead.json"));
        _delivery = Deliver(Read());
        _router = Router();
    }

    /// <summary>Baseline: parse the bytes, touch the root.</summary>
    [Benchmark(Baseline = true)]
    public JsonValueKind ParseOnly()
    {
        using var document = JsonDocument.Parse(_sample);
        return document.RootElement.ValueKind;
    }

    /// <summary>Parse, normalise, validate against the published schema, compute the lead id.</summary>
    [Benchmark]
    public string? ReadLead()
    {
        using var document = JsonDocument.Parse(_sample);
        return LeadReader.Published.Read(document.RootElement).LeadId;
    }

    /// <summary>The same with the reader as it was before this optimisation (JsonNode tree + JsonSchema.Net on every lead).</summary>
    [Benchmark]
    public string? ReadLeadBefore()
    {
        using var document = JsonDocument.Parse(_sample);
        return ReferenceLeadReader.Published.Read(document.RootElement).LeadId;
    }

    /// <summary>The Table destination's mapping alone, on a lead read once (its canonical form already materialised).</summary>
    [Benchmark]
    public TableEntity MapToTableRow() => AzureTableDestination.ToEntity(_delivery);

    /// <summary>The whole per-lead CPU path of the target: parse, read (validate + normalise + id), map.</summary>
    [Benchmark]
    public TableEntity ReadAndMap()
    {
        using var document = JsonDocument.Parse(_sample);
        return AzureTableDestination.ToEntity(Deliver(LeadReader.Published.Read(document.RootElement)));
    }

    /// <summary>
    /// Routing a lead read once under docs/destinations.md's worked example (four rules with wildcards): the sample lead
    /// matches none, so every rule is tried and the default set is the answer, the most a lead can cost.
    /// </summary>
    [Benchmark]
    public RouteDecision RouteLead() => _router.Decide(_delivery.Lead);

    /// <summary>Parse, read, route and map: the per-lead CPU path with routes.</summary>
    [Benchmark]
    public TableEntity ReadRouteAndMap()
    {
        using var document = JsonDocument.Parse(_sample);
        var delivery = Deliver(LeadReader.Published.Read(document.RootElement));
        _ = _router.Decide(delivery.Lead);
        return AzureTableDestination.ToEntity(delivery);
    }

    private static LeadRouter Router()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routes:0:Name"] = "test-leads", ["Routes:0:TestLead"] = "true", ["Routes:0:Destinations"] = "Table",
            ["Routes:1:Name"] = "no-contact", ["Routes:1:DoNotContact"] = "true", ["Routes:1:Destinations"] = "Dataverse",
            ["Routes:2:Name"] = "analytics-sales", ["Routes:2:Offer"] = "*Analytics*;contoso.analytics", ["Routes:2:Action"] = "Contact me",
            ["Routes:2:Destinations"] = "HubSpot",
            ["Routes:3:Name"] = "appsource", ["Routes:3:Source"] = "AppSource", ["Routes:3:Destinations"] = "Salesforce",
        }).Build();
        var routes = RoutesOptions.Read(configuration, DestinationExtensions.KnownNames);
        return new LeadRouter(Options.Create(routes), Options.Create(new DestinationOptions { Default = "Table;Dataverse" }));
    }

    private LeadReadResult Read()
    {
        using var document = JsonDocument.Parse(_sample);
        return LeadReader.Published.Read(document.RootElement);
    }

    private static LeadDelivery Deliver(LeadReadResult read) =>
        new(read.LeadId!, read.Lead!, new DateTimeOffset(2025, 11, 26, 8, 0, 0, TimeSpan.Zero), 1);
}
