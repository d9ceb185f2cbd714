using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LeadFunctions.Tests.Destinations.Webhook;

/// <summary>docs/destinations.md's webhook body is what the app sends for Microsoft's documented sample lead.</summary>
public sealed partial class WebhookDocumentationTests : IAsyncLifetime
{
    private FakeWebhookReceiver Fake { get; set; } = null!;

    public async Task InitializeAsync() => Fake = await FakeWebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();

    [Fact]
    public async Task The_documented_body_is_the_body_sent_for_the_documented_sample_lead()
    {
        await using var harness = WebhookHarness.Create(Fake);

        await harness.DeliverAsync(TestLeads.Delivery(RepoPaths.Sample("documented-sample-lead.json")));

        var sent = JsonNode.Parse(Assert.Single(Fake.Received).Body)!;
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "destinations.md"));
        var documented = DocumentedBody().Match(docs);
        Assert.True(documented.Success, "docs/destinations.md has no ```json block after <!-- webhook body -->");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(documented.Groups["json"].Value), sent), sent.ToJsonString());
    }

    [GeneratedRegex(@"<!-- webhook body -->\s*```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex DocumentedBody();
}
