using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Slack;
using LeadFunctions.Tests.Destinations.Chat;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeadFunctions.Tests.Destinations.Slack;

/// <summary>The chat promise (<see cref="ChatPromiseSuite{TFake,TProtocol}"/>) for Slack, and its Block Kit message.</summary>
public sealed class SlackChatTests(Azurite azurite) : ChatPromiseSuite<FakeSlack, SlackProtocol>(azurite), IClassFixture<Azurite>
{
    protected override string Destination => "Slack";

    protected override string GoneCode => "channel_is_archived";

    protected override int AcceptedStatus => 200;

    [Fact]
    public async Task The_message_is_a_header_and_a_section_of_fields_with_a_fallback_text()
    {
        await using var harness = Harness();

        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.DoNotContact(1)));

        var message = Assert.Single(Fake.Messages);
        var fallback = message["text"]!.GetValue<string>();
        Assert.StartsWith("New marketplace lead: Contoso Analytics (Analytical Engines 1)", fallback, StringComparison.Ordinal);
        var blocks = message["blocks"]!.AsArray();
        Assert.Equal(["header", "section", "section"], blocks.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Contains("DO NOT CONTACT", blocks[1]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var fields = blocks[2]!["fields"]!.AsArray().Select(f => f!["text"]!.GetValue<string>()).ToList();
        Assert.Equal("*Offer*\nContoso Analytics", fields[0]);
        Assert.Equal(["*Offer*", "*Action*", "*Company*", "*Country*"], fields.Select(f => f.Split('\n')[0]));
        Assert.All(blocks[2]!["fields"]!.AsArray(), f => Assert.True(f!["verbatim"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Nothing_from_the_lead_can_link_or_mention()
    {
        var lead = TestLeads.ContactMe(1);
        lead["UserDetails"]!["Company"] = "<!channel> & <https://evil.example|click here> <@U123>";
        await using var harness = Harness();

        await harness.DeliverAsync(TestLeads.Delivery(lead));

        var text = FakeChat.TextOf(Assert.Single(Fake.Messages));
        Assert.Contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt; &lt;@U123&gt;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
    }

    protected override Task<FakeSlack> StartFakeAsync() => FakeSlack.StartAsync();

    protected override void Add(IServiceCollection services, IConfiguration configuration) => services.AddSlack(configuration);
}
