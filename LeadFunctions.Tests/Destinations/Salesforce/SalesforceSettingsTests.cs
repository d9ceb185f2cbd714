using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Destinations.Salesforce;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Tests.Destinations.Salesforce;

/// <summary>The Salesforce settings and its mapping in the shared format: defaults, fallbacks, overrides, problems named by setting.</summary>
public sealed class SalesforceSettingsTests
{
    private static SalesforceOptions Valid() => new() { Url = "https://contoso.my.salesforce.com", ClientId = "id", ClientSecret = "secret" };

    private static SalesforceSettings Settings(Action<SalesforceOptions>? configure = null)
    {
        var options = Valid();
        configure?.Invoke(options);
        return new SalesforceSettings(Options.Create(options));
    }

    private static JsonObject Map(JsonObject lead, Action<SalesforceOptions>? configure = null)
    {
        var settings = Settings(configure);
        Assert.Null(settings.Problem);
        return settings.Mapping!.Map(TestLeads.Delivery(lead));
    }

    private static string? Text(JsonObject record, string field) => record[field]?.GetValue<string>();

    [Fact]
    public void My_Domain_URL_gives_the_REST_root_and_the_token_endpoint()
    {
        var settings = Settings();

        Assert.Null(settings.Problem);
        Assert.Equal(new Uri("https://contoso.my.salesforce.com/services/data/v62.0/"), settings.ApiRoot);
        Assert.Equal(new Uri("https://contoso.my.salesforce.com/services/oauth2/token"), settings.TokenEndpoint);
        Assert.True(settings.UsesExternalId);
        Assert.Equal("Marketplace_Lead_Id__c", settings.LeadIdField);
    }

    [Fact]
    public void Missing_settings_are_reported_at_once_naming_each()
    {
        var problem = new SalesforceSettings(Options.Create(new SalesforceOptions { ApiVersion = "v62", MaxConcurrency = 30 })).Problem;

        foreach (var setting in new[] { "Destinations__Salesforce__Url is missing", "Destinations__Salesforce__ClientId is missing", "Destinations__Salesforce__ClientSecret is missing", "Destinations__Salesforce__ApiVersion 'v62'", "Destinations__Salesforce__MaxConcurrency must be between 1 and 25" })
        {
            Assert.Contains(setting, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Durations_and_shared_settings_are_reported_together_naming_each()
    {
        var problem = Settings(o => (o.TokenLifetime, o.RequestLimitWait, o.Retries) = (TimeSpan.Zero, TimeSpan.FromSeconds(-1), 11)).Problem;

        Assert.Contains("Destinations__Salesforce__TokenLifetime must be positive.", problem, StringComparison.Ordinal);
        Assert.Contains("Destinations__Salesforce__RequestLimitWait must not be negative.", problem, StringComparison.Ordinal);
        Assert.Contains("Destinations__Salesforce__Retries must be between 0 and 10.", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_one_field_must_hold_the_lead_id()
    {
        Assert.Contains("a lead could be created twice", Settings(o => o.ExternalIdField = "").Problem, StringComparison.Ordinal);
        Assert.Contains("not both", Settings(o => o.LeadIdField = "Lead_Id__c").Problem, StringComparison.Ordinal);
        Assert.False(Settings(o => (o.ExternalIdField, o.LeadIdField) = ("", "Lead_Id__c")).UsesExternalId);
    }

    [Fact]
    public void The_sample_local_settings_are_valid_Salesforce_settings()
    {
        var settings = new SalesforceSettings(Options.Create(RepoPaths.SampleSettings<SalesforceOptions>(SalesforceOptions.Section)));

        Assert.Null(settings.Problem);
        Assert.Equal("Marketplace_Lead_Id__c", settings.LeadIdField);
    }

    [Fact]
    public void Default_mapping_fills_the_standard_Lead_fields()
    {
        var record = Map(TestLeads.ContactMe(7));

        Assert.Equal("Ada7", Text(record, "FirstName"));
        Assert.Equal("Lovelace7", Text(record, "LastName"));
        Assert.Equal("ada7@contoso.example", Text(record, "Email"));
        Assert.Equal("+1 425 555 0007", Text(record, "Phone"));
        Assert.Equal("Analytical Engines 7", Text(record, "Company"));
        Assert.Equal("Chief Mathematician", Text(record, "Title"));
        Assert.Equal("United Kingdom", Text(record, "Country"));
        Assert.Equal("Web", Text(record, "LeadSource"));
        Assert.Equal("Azure Marketplace: Contoso Analytics — Contact me\n\nLead source: AzureMarketplace\nAction: PLT (Contact me)\n\nPlease call me about lead 7.", Text(record, "Description"));
        Assert.False(record.ContainsKey("Marketplace_Lead_Id__c")); // the upsert URL carries it
        Assert.Equal(9, record.Count);
    }

    [Fact]
    public void Texts_are_cut_to_the_Lead_field_lengths_but_a_too_long_email_is_left_out()
    {
        var record = Map(TestLeads.Oversized(1));

        foreach (var (field, max) in new Dictionary<string, int> { ["FirstName"] = 40, ["LastName"] = 80, ["Phone"] = 40, ["Title"] = 128, ["Country"] = 80 })
        {
            Assert.Equal(max, Text(record, field)!.Length);
        }

        Assert.False(record.ContainsKey("Email"));
    }

    [Fact]
    public void Overrides_use_field_API_names_in_any_case_and_custom_fields_need_their_length()
    {
        var record = Map(TestLeads.ContactMe(2), o =>
        {
            o.Mapping["leadsource"] = "=Partner Referral";
            o.Mapping["Offer__c"] = "{OfferTitle} ({ActionCode})";
            o.MaxLength["Offer__c"] = 12;
            o.Mapping["Phone"] = "";
        });

        Assert.Equal("Partner Referral", Text(record, "LeadSource"));
        Assert.Equal("Contoso Anal", Text(record, "Offer__c"));
        Assert.False(record.ContainsKey("Phone"));
    }

    [Fact]
    public void Company_and_LastName_stay_filled_even_when_their_mapping_is_removed()
    {
        var record = Map(TestLeads.Education(1), o =>
        {
            o.Mapping["LastName"] = "";
            o.Mapping["Company"] = "";
        });

        Assert.Equal(LeadFields.NotProvided, Text(record, "LastName"));
        Assert.Equal(LeadFields.NotProvided, Text(record, "Company"));
    }

    [Theory]
    [InlineData("Offer c", "OfferTitle", "is not a Salesforce field API name")]
    [InlineData("Marketplace_Lead_Id__c", "LeadId", "holds the lead id, set by the app")]
    [InlineData("Id", "LeadId", "record id Salesforce assigns")]
    [InlineData("Offer__c", "{OfferTitle", "without its '}'")]
    public void Bad_mapping_settings_are_reported_naming_the_setting(string field, string value, string problem)
    {
        var settings = Settings(o => o.Mapping[field] = value);

        Assert.Contains($"Destinations__Salesforce__Mapping__{field}", settings.Problem, StringComparison.Ordinal);
        Assert.Contains(problem, settings.Problem, StringComparison.Ordinal);
    }
}
