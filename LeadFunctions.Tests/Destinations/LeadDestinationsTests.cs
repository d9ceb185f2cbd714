using LeadFunctions.Destinations;
using LeadFunctions.Leads;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Moq;

namespace LeadFunctions.Tests.Destinations;

public sealed class LeadDestinationsTests
{
    [Theory]
    [InlineData(null, new[] { "Table" })]
    [InlineData("", new[] { "Table" })]
    [InlineData("Dataverse", new[] { "Dataverse" })]
    [InlineData("Dataverse;Table", new[] { "Dataverse", "Table" })]
    [InlineData(" Salesforce , HubSpot ;; table;TABLE ", new[] { "Salesforce", "HubSpot", "table" })]
    public void Crm_Target_is_one_name_or_a_list_separated_by_semicolons_or_commas(string? target, string[] expected)
    {
        Assert.Equal(expected, DestinationOptions.Parse(target));
    }

    [Fact]
    public void A_message_without_targets_goes_to_every_configured_destination_and_one_with_targets_only_to_those()
    {
        var destinations = new LeadDestinations([Named("Dataverse"), Named("Table")]);

        Assert.Equal(["Dataverse", "Table"], destinations.For(null).Select(d => d.Name));
        Assert.Equal(["Table"], destinations.For(["table"]).Select(d => d.Name));
    }

    [Fact]
    public async Task A_target_that_is_no_longer_configured_poisons_the_lead_with_the_reason()
    {
        var destinations = new LeadDestinations([Named("Table")]);

        var gone = Assert.Single(destinations.For(["Dataverse"]));
        var outcome = await gone.DeliverAsync(null!, CancellationToken.None);

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Contains("'Dataverse' is not configured any more (in Destinations__Default or a route", cannot.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_the_worst_of_the_destinations_and_names_each()
    {
        var destinations = new LeadDestinations([Named("Dataverse", HealthCheckResult.Unhealthy("WhoAmI answered 403.")), Named("Table")]);

        var health = await destinations.CheckHealthAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("Dataverse: Unhealthy (WhoAmI answered 403.)", health.Description);
        Assert.Equal("Healthy", health.Data["Table"]);
    }

    [Fact]
    public void Envelope_destinations_survive_the_queue_and_a_replay_and_old_messages_have_none()
    {
        var envelope = TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json")) with { Destinations = ["Dataverse"] };

        var read = LeadEnvelope.TryParse(envelope.ForReplay(DateTimeOffset.UtcNow).ToJson(), out _);
        var withoutDestinations = envelope with { Destinations = null };
        var old = LeadEnvelope.TryParse(withoutDestinations.ToJson(), out _);

        Assert.Equal(["Dataverse"], read!.Destinations);
        Assert.Null(old!.Destinations);
        Assert.DoesNotContain("destinations", withoutDestinations.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_written_with_the_old_field_targets_is_read_for_the_same_destinations_and_written_with_the_new_one()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json")).ToJson())!;
        json["targets"] = new System.Text.Json.Nodes.JsonArray("Dataverse");

        var read = LeadEnvelope.TryParse(json.ToJsonString(), out _);

        Assert.Equal(["Dataverse"], read!.Destinations);
        Assert.Contains("\"destinations\":[\"Dataverse\"]", read.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("targets", read.ToJson(), StringComparison.Ordinal);
    }

    private static ILeadDestination Named(string name, HealthCheckResult? health = null)
    {
        var destination = new Mock<ILeadDestination>();
        destination.Setup(d => d.Name).Returns(name);
        destination.Setup(d => d.CheckHealthAsync(It.IsAny<CancellationToken>())).ReturnsAsync(health ?? HealthCheckResult.Healthy());
        return destination.Object;
    }
}
