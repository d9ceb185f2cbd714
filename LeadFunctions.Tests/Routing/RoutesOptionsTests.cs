using LeadFunctions.Destinations;
using LeadFunctions.Routing;
using Microsoft.Extensions.Configuration;

namespace LeadFunctions.Tests.Routing;

/// <summary>Each wrong rule is named, with the setting at fault, so the app stops at start with a message an operator can act on.</summary>
public sealed class RoutesOptionsTests
{
    [Theory]
    [InlineData("Routes:0:Offer", "Contoso*", "Routes__0__Destinations is missing")]
    [InlineData("Routes:0:Destinations", "Dataverse;Teems", "Routes__0__Destinations names 'Teems', which is not a destination")]
    [InlineData("Routes:0:Offers", "Contoso*", "Routes__0__Offers is not a route setting")]
    [InlineData("Routes:0:TestLead", "yes", "Routes__0__TestLead must be true or false; it is 'yes'.")]
    [InlineData("Routes:0:Name", "sales team", "Routes__0__Name must be letters, digits")]
    [InlineData("Routes:first:Destinations", "Table", "Routes__first is not a rule")]
    public void A_wrong_rule_is_named_with_its_setting(string key, string value, string problem)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (!key.EndsWith(":Destinations", StringComparison.Ordinal) && key.StartsWith("Routes:0", StringComparison.Ordinal)) settings["Routes:0:Destinations"] = key.EndsWith(":Offer", StringComparison.Ordinal) ? null : "Table";

        var routes = RoutesOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), DestinationExtensions.KnownNames);

        Assert.Contains(routes.Problems, p => p.StartsWith(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Two_rules_with_one_name_are_refused()
    {
        var routes = RoutesOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routes:0:Name"] = "sales", ["Routes:0:Destinations"] = "Table",
            ["Routes:1:Name"] = "Sales", ["Routes:1:Destinations"] = "Dataverse",
        }).Build(), DestinationExtensions.KnownNames);

        Assert.Equal(["Routes__1__Name 'Sales' is the name of an earlier rule too; each rule needs its own."], routes.Problems);
    }

    [Fact]
    public void Rules_are_read_in_the_order_of_their_numbers_not_as_text()
    {
        var settings = Enumerable.Range(0, 12).ToDictionary(i => $"Routes:{i}:Destinations", i => (string?)"Table");

        var routes = RoutesOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), DestinationExtensions.KnownNames);

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"route-{i}"), routes.Rules.Select(r => r.Name));
    }
}
