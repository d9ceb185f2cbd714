using LeadFunctions.Destinations.Slack;
using LeadFunctions.Destinations.Teams;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Tests.Destinations.Chat;

/// <summary>Wrong chat settings are reported, one sentence naming the setting, without repeating the webhook's secret.</summary>
public sealed class ChatSettingsTests
{
    [Theory]
    [InlineData(null, "Destinations__Slack__Url is missing")]
    [InlineData("http://hooks.slack.com/services/T/B/secretpart", "Destinations__Slack__Url must use https")]
    [InlineData("https://hooks.slack.com", "Destinations__Slack__Url has no path")]
    [InlineData("hooks.slack.com/services/T/B/secretpart", "Destinations__Slack__Url is not an absolute https URL")]
    public void A_wrong_Slack_Url_is_named_and_not_repeated(string? url, string problem)
    {
        var settings = new SlackSettings(Options.Create(new SlackOptions { Url = url }));

        Assert.StartsWith(problem, settings.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("secretpart", settings.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_usable_Teams_Url_keeps_its_path_and_query_for_the_post()
    {
        const string url = "https://prod.westus.logic.azure.com:443/workflows/1/triggers/manual/paths/invoke?sig=x";
        var settings = new TeamsSettings(Options.Create(new TeamsOptions { Url = url }));

        Assert.Null(settings.Problem);
        Assert.Equal("https://prod.westus.logic.azure.com/", settings.ApiRoot.ToString());
        Assert.Equal("/workflows/1/triggers/manual/paths/invoke?sig=x", settings.PostPath.ToString());
        Assert.Equal(["Offer", "Action", "Company", "Country", "DoNotContact"], settings.Mapping!.Fields);
    }

    [Theory]
    [InlineData("Name;Adress", "Destinations__Teams__PersonalFields 'Name;Adress' names 'Adress'")]
    [InlineData("Email", null)]
    [InlineData("name, email, phone, title", null)]
    [InlineData("", null)]
    public void PersonalFields_takes_Name_Email_Phone_and_Title_only(string fields, string? problem)
    {
        var settings = new TeamsSettings(Options.Create(new TeamsOptions { Url = "https://example.com/hook", PersonalFields = fields }));

        if (problem is null) Assert.Null(settings.Problem);
        else Assert.StartsWith(problem, settings.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_standard_fact_cannot_be_mapped_but_an_extra_one_can()
    {
        var options = new SlackOptions { Url = "https://example.com/hook" };
        options.Mapping["Email"] = "UserDetails.Email";
        Assert.Contains("Destinations__Slack__Mapping__Email", new SlackSettings(Options.Create(options)).Problem, StringComparison.Ordinal);

        options.Mapping.Clear();
        options.Mapping["Campaign"] = "Campaign";
        Assert.Equal("Campaign", new SlackSettings(Options.Create(options)).Mapping!.Fields[^1]);
    }

    [Fact]
    public void A_wrong_SentTable_is_named()
    {
        var settings = new SlackSettings(Options.Create(new SlackOptions { Url = "https://example.com/hook", SentTable = "sent-marks" }));

        Assert.StartsWith("Destinations__Slack__SentTable 'sent-marks' is not a table name", settings.Problem, StringComparison.Ordinal);
    }
}
