using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Teams;
using LeadFunctions.Tests.Destinations.Chat;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeadFunctions.Tests.Destinations.Teams;

/// <summary>The chat promise (<see cref="ChatPromiseSuite{TFake,TProtocol}"/>) for Teams, and its Adaptive Card.</summary>
public sealed class TeamsChatTests(Azurite azurite) : ChatPromiseSuite<FakeTeams, TeamsProtocol>(azurite), IClassFixture<Azurite>
{
    protected override string Destination => "Teams";

    protected override string GoneCode => "WorkflowNotFound";

    protected override int AcceptedStatus => 202;

    [Fact]
    public async Task The_message_is_one_Adaptive_Card_with_a_title_the_mark_and_a_FactSet()
    {
        await using var harness = Harness();

        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.DoNotContact(1)));

        var card = FakeTeams.CardOf(Assert.Single(Fake.Messages));
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card["$schema"]!.GetValue<string>());
        Assert.Equal("1.4", card["version"]!.GetValue<string>());
        var body = card["body"]!.AsArray();
        Assert.Equal(["TextBlock", "TextBlock", "FactSet"], body.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal(ChatMessage.DefaultTitle, body[0]!["text"]!.GetValue<string>());
        Assert.Equal((ChatMessage.DoNotContactText, "Attention"), (body[1]!["text"]!.GetValue<string>(), body[1]!["color"]!.GetValue<string>()));
        var facts = body[2]!["facts"]!.AsArray();
        Assert.Equal(["Offer", "Action", "Company", "Country"], facts.Select(f => f!["title"]!.GetValue<string>()));
        Assert.Equal("Contoso Analytics", facts[0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Markdown_from_the_lead_is_escaped_so_it_cannot_link()
    {
        var lead = TestLeads.ContactMe(1);
        lead["UserDetails"]!["Company"] = "[click](https://evil.example) *bold*";
        await using var harness = Harness();

        await harness.DeliverAsync(TestLeads.Delivery(lead));

        var facts = FakeTeams.CardOf(Assert.Single(Fake.Messages))["body"]![1]!["facts"]!.AsArray();
        Assert.Equal(@"\[click\]\(https://evil.example\) \*bold\*", facts[2]!["value"]!.GetValue<string>());
    }

    protected override Task<FakeTeams> StartFakeAsync() => FakeTeams.StartAsync();

    protected override void Add(IServiceCollection services, IConfiguration configuration) => services.AddTeams(configuration);
}
