using LeadFunctions.Tests.Architecture.Planted.Lower;

namespace LeadFunctions.Tests.Architecture;

public sealed class LayerTests
{
    /// <summary>The app's layers, top first; docs/design.md's "Layout" draws the same.</summary>
    internal static readonly string[][] App =
    [
        ["LeadFunctions.Functions"],
        ["LeadFunctions.Hosting"],
        ["LeadFunctions.Intake", "LeadFunctions.Delivery"],
        ["LeadFunctions.Routing"],
        ["LeadFunctions.Destinations"],
        ["LeadFunctions.Storage", "LeadFunctions.Telemetry"],
        ["LeadFunctions.Leads"],
        ["LeadFunctions.Settings"],
    ];

    [Fact]
    public void Every_folder_of_the_app_uses_only_the_layers_below_it()
    {
        var violations = new Layers(typeof(Program).Assembly, App).Violations();

        Assert.True(violations.Count == 0, "Dependencies that flow the wrong way:\n" + string.Join("\n", violations));
    }

    /// <summary>Inside Destinations/: each destination's folder, then what CRMs share, then limits and mapping. The folder's own
    /// namespace (the contract every destination implements, and the registration of them all) stands above them.</summary>
    internal static readonly string[][] Destinations =
    [
        ["LeadFunctions.Destinations.AzureTable", "LeadFunctions.Destinations.Dataverse", "LeadFunctions.Destinations.HubSpot", "LeadFunctions.Destinations.Salesforce",
            "LeadFunctions.Destinations.Webhook",
            "LeadFunctions.Destinations.Teams", "LeadFunctions.Destinations.Slack"],
        ["LeadFunctions.Destinations.Chat"],
        ["LeadFunctions.Destinations.Http"],
        ["LeadFunctions.Destinations.Limits", "LeadFunctions.Destinations.Mapping"],
    ];

    [Fact]
    public void Every_folder_of_the_destinations_uses_only_the_folders_below_it()
    {
        var violations = new Layers(typeof(Program).Assembly, Destinations).Violations();

        Assert.True(violations.Count == 0, "Dependencies that flow the wrong way:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_folder_of_the_app_is_in_a_layer()
    {
        var folders = typeof(Program).Assembly.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith("LeadFunctions.", StringComparison.Ordinal))
            .Select(n => string.Join('.', n.Split('.').Take(2)))
            .Distinct();

        Assert.Empty(folders.Except(App.SelectMany(l => l)));
    }

    [Fact]
    public void A_planted_cycle_is_caught()
    {
        string[][] planted = [["LeadFunctions.Tests.Architecture.Planted.Upper"], ["LeadFunctions.Tests.Architecture.Planted.Lower"]];

        var violations = new Layers(typeof(LayerTests).Assembly, planted).Violations();

        Assert.Equal(GoesUp.Name, Assert.Single(violations).Split(": ")[1]);
    }
}
