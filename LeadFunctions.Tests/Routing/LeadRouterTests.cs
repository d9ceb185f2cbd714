using System.Text.Json.Nodes;
using LeadFunctions.Destinations;
using LeadFunctions.Leads;
using LeadFunctions.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Tests.Routing;

/// <summary>Which rule a lead matches, in memory: the first match wins, a lead matching none goes to the default set.</summary>
public sealed class LeadRouterTests
{
    private static readonly Dictionary<string, string?> Rules = new()
    {
        ["Routes:0:Name"] = "tests",
        ["Routes:0:TestLead"] = "true",
        ["Routes:0:Destinations"] = "Table",
        ["Routes:1:Name"] = "no-contact",
        ["Routes:1:DoNotContact"] = "true",
        ["Routes:1:Destinations"] = "Dataverse",
        ["Routes:2:Name"] = "analytics-trials",
        ["Routes:2:Offer"] = "contoso.analytics;*Analytics*",
        ["Routes:2:Action"] = "Contact me;INS",
        ["Routes:2:Country"] = "United Kingdom;US*",
        ["Routes:2:Destinations"] = "HubSpot;Dataverse",
        ["Routes:3:Name"] = "appsource",
        ["Routes:3:Source"] = "AppSource",
        ["Routes:3:Destinations"] = "Salesforce",
        ["Destinations:Default"] = "Table;Dataverse",
    };

    public static TheoryData<string, JsonObject, string, string[]> Leads => new()
    {
        { "a Partner Center test lead, before every other rule", TestLead(), "tests", ["Table"] },
        { "do not contact, though its offer matches a later rule", TestLeads.DoNotContact(1), "no-contact", ["Dataverse"] },
        { "offer title, action in words, country", TestLeads.ContactMe(2), "analytics-trials", ["HubSpot", "Dataverse"] },
        { "offer id in the lead source, action code, a country pattern", With(TestLeads.ContactMe(3, "Something else"), "SPZA-INS|contoso.analytics", "USA"), "analytics-trials", ["HubSpot", "Dataverse"] },
        { "the marketplace in words (SPZA is AppSource)", With(TestLeads.ContactMe(4, "Other offer"), "SPZA", "France"), "appsource", ["Salesforce"] },
        { "no rule matches: the default set", With(TestLeads.ContactMe(5, "Other offer"), "AzureMarketplace", "France"), RouteDecision.Default, ["Table", "Dataverse"] },
    };

    [Theory]
    [MemberData(nameof(Leads))]
    public void The_first_rule_that_matches_decides_and_none_means_the_default_set(string why, JsonObject lead, string route, string[] destinations)
    {
        var decision = Router(Rules).Decide(Read(lead));

        Assert.True(route == decision.Route, $"{why}: routed by {decision.Route}");
        Assert.Equal(destinations, decision.Destinations);
    }

    [Fact]
    public void Without_rules_every_lead_goes_to_the_default_set()
    {
        var decision = Router(new() { ["Destinations:Default"] = "HubSpot" }).Decide(Read(TestLeads.ContactMe(1)));

        Assert.Equal(RouteDecision.Default, decision.Route);
        Assert.Equal(["HubSpot"], decision.Destinations);
    }

    [Fact]
    public void An_unnamed_rule_is_named_after_its_index_and_a_rule_with_no_condition_matches_every_lead()
    {
        var decision = Router(new() { ["Routes:0:Destinations"] = "HubSpot" }).Decide(Read(TestLeads.ContactMe(1)));

        Assert.Equal("route-0", decision.Route);
        Assert.Equal(["HubSpot"], decision.Destinations);
    }

    internal static LeadRouter Router(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var routes = RoutesOptions.Read(configuration, DestinationExtensions.KnownNames);
        Assert.Empty(routes.Problems);
        var destinations = new DestinationOptions { Default = configuration["Destinations:Default"] ?? "Table" };
        return new LeadRouter(Options.Create(routes), Options.Create(destinations));
    }

    private static Lead Read(JsonObject lead) => LeadReader.Published.Read(System.Text.Json.JsonDocument.Parse(lead.ToJsonString()).RootElement).Lead!;

    private static JsonObject TestLead()
    {
        var lead = TestLeads.ContactMe(9);
        lead["UserDetails"]!["FirstName"] = "MSFT_TEST_636573304831318844";
        lead["UserDetails"]!["LastName"] = "MSFT_TEST_636573304831318844";
        return lead;
    }

    private static JsonObject With(JsonObject lead, string source, string country)
    {
        lead["LeadSource"] = source;
        lead["UserDetails"]!["Country"] = country;
        return lead;
    }
}
