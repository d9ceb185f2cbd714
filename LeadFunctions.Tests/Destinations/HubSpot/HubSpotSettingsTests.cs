using System.Text.Json.Nodes;
using LeadFunctions.Destinations.HubSpot;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Tests.Destinations.HubSpot;

/// <summary>The HubSpot settings and its mapping in the shared format: defaults, overrides, problems named by setting.</summary>
public sealed class HubSpotSettingsTests
{
    private static HubSpotSettings Settings(Action<HubSpotOptions>? configure = null)
    {
        var options = new HubSpotOptions { AccessToken = "pat-na1-x" };
        configure?.Invoke(options);
        return new HubSpotSettings(Options.Create(options));
    }

    private static JsonObject Map(JsonObject lead, Action<HubSpotOptions>? configure = null)
    {
        var settings = Settings(configure);
        Assert.Null(settings.Problem);
        return settings.Mapping!.Map(TestLeads.Delivery(lead));
    }

    private static string? Text(JsonObject record, string property) => record[property]?.GetValue<string>();

    [Fact]
    public void Defaults_follow_the_docs()
    {
        var settings = Settings();

        Assert.Null(settings.Problem);
        Assert.Equal(new Uri("https://api.hubapi.com/"), settings.ApiRoot);
        Assert.Equal("marketplace_lead_id", settings.LeadIdProperty);
        Assert.Equal(ExistingContact.Delivered, settings.Options.OnExistingContact);
        Assert.Equal(4, settings.Options.MaxConcurrency);
    }

    [Fact]
    public void Missing_or_wrong_settings_are_reported_naming_each()
    {
        var problem = new HubSpotSettings(Options.Create(new HubSpotOptions { LeadIdProperty = "Marketplace Lead Id", MaxConcurrency = 11 })).Problem;

        Assert.Contains("Destinations__HubSpot__AccessToken is missing", problem, StringComparison.Ordinal);
        Assert.Contains("Destinations__HubSpot__LeadIdProperty 'Marketplace Lead Id'", problem, StringComparison.Ordinal);
        Assert.Contains("Destinations__HubSpot__MaxConcurrency must be between 1 and 10", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_access_token_is_missing(string token)
    {
        Assert.StartsWith("Destinations__HubSpot__AccessToken is missing:", Settings(o => o.AccessToken = token).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_local_settings_are_valid_HubSpot_settings()
    {
        var settings = new HubSpotSettings(Options.Create(RepoPaths.SampleSettings<HubSpotOptions>(HubSpotOptions.Section)));

        Assert.Null(settings.Problem);
        Assert.Equal(ExistingContact.Delivered, settings.Options.OnExistingContact);
    }

    [Fact]
    public void Default_mapping_fills_the_standard_contact_properties()
    {
        var record = Map(TestLeads.ContactMe(7));

        Assert.Equal("Ada7", Text(record, "firstname"));
        Assert.Equal("Lovelace7", Text(record, "lastname"));
        Assert.Equal("ada7@contoso.example", Text(record, "email"));
        Assert.Equal("+1 425 555 0007", Text(record, "phone"));
        Assert.Equal("Analytical Engines 7", Text(record, "company"));
        Assert.Equal("Chief Mathematician", Text(record, "jobtitle"));
        Assert.Equal("United Kingdom", Text(record, "country"));
        Assert.StartsWith("Azure Marketplace: Contoso Analytics — Contact me\n\nLead source: AzureMarketplace", Text(record, "message"), StringComparison.Ordinal);
        Assert.Equal(8, record.Count);
    }

    [Fact]
    public void Overrides_are_lowered_to_internal_names_and_constants_work_as_everywhere()
    {
        var record = Map(TestLeads.ContactMe(1), o =>
        {
            o.Mapping["LifecycleStage"] = "=lead";
            o.Mapping["marketplace_offer"] = "Offer";
            o.Mapping["message"] = "";
        });

        Assert.Equal("lead", Text(record, "lifecyclestage"));
        Assert.Equal("Contoso Analytics", Text(record, "marketplace_offer"));
        Assert.False(record.ContainsKey("message"));
    }

    [Fact]
    public void Every_text_is_cut_to_HubSpots_limit_unless_a_shorter_one_is_set()
    {
        var record = Map(TestLeads.ContactMe(1), o =>
        {
            o.Mapping["message"] = "Notes";
            o.MaxLength["message"] = 20;
        });

        Assert.Equal(20, Text(record, "message")!.Length);
    }

    [Theory]
    [InlineData("marketplace_lead_id", "LeadId", "holds the lead id, set by the app")]
    [InlineData("hs_object_id", "LeadId", "record id HubSpot assigns")]
    [InlineData("marketplace offer", "OfferTitle", "is not a HubSpot property internal name")]
    public void Bad_mapping_settings_are_reported_naming_the_setting(string property, string value, string problem)
    {
        var settings = Settings(o => o.Mapping[property] = value);

        Assert.Contains($"Destinations__HubSpot__Mapping__{property}", settings.Problem, StringComparison.Ordinal);
        Assert.Contains(problem, settings.Problem, StringComparison.Ordinal);
    }
}
