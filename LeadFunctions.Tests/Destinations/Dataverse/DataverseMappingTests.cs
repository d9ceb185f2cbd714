using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Tests.Destinations.Dataverse;

public sealed class DataverseMappingTests
{
    private static FieldMapping Mapping(Action<DataverseOptions>? configure = null)
    {
        var options = new DataverseOptions { Url = "https://contoso.crm.dynamics.com" };
        configure?.Invoke(options);
        var mapping = DataverseMapping.TryCreate(options, out var problems);
        Assert.Empty(problems);
        return mapping!;
    }

    private static IReadOnlyList<string> Problems(Action<DataverseOptions> configure)
    {
        var options = new DataverseOptions { Url = "https://contoso.crm.dynamics.com" };
        configure(options);
        Assert.Null(DataverseMapping.TryCreate(options, out var problems));
        return problems;
    }

    private static string? Text(JsonObject record, string column) => record[column]?.GetValue<string>();

    [Fact]
    public void Default_mapping_fills_the_standard_lead_columns_of_the_design()
    {
        var record = Mapping().Map(TestLeads.Delivery(TestLeads.ContactMe(7)));

        Assert.Equal("Ada7", Text(record, "firstname"));
        Assert.Equal("Lovelace7", Text(record, "lastname"));
        Assert.Equal("ada7@contoso.example", Text(record, "emailaddress1"));
        Assert.Equal("+1 425 555 0007", Text(record, "telephone1"));
        Assert.Equal("Analytical Engines 7", Text(record, "companyname"));
        Assert.Equal("Chief Mathematician", Text(record, "jobtitle"));
        Assert.Equal("United Kingdom", Text(record, "address1_country"));
        Assert.Equal("Azure Marketplace: Contoso Analytics — Contact me", Text(record, "subject"));
        Assert.Equal("Lead source: AzureMarketplace\nAction: PLT (Contact me)\n\nPlease call me about lead 7.", Text(record, "description"));
        Assert.Equal(8, record["leadsourcecode"]!.GetValue<int>());
        Assert.False(record.ContainsKey("leadid")); // the id is the URL key
        Assert.Equal(10, record.Count);
    }

    [Fact]
    public void Documented_sample_lead_maps_like_the_power_automate_step()
    {
        var record = Mapping().Map(TestLeads.Delivery(RepoPaths.Sample("documented-sample-lead.json")));

        Assert.Equal("One", Text(record, "lastname"));
        Assert.Equal("Azure Marketplace: Test Microsoft — Install", Text(record, "subject"));
        Assert.Equal("Lead source: AzureMarketplace\nAction: INS (Install)\n\nTest run through Power Automate", Text(record, "description"));
    }

    [Fact]
    public void Composite_lead_source_names_the_marketplace_and_the_offer_when_there_is_no_title()
    {
        var record = Mapping().Map(TestLeads.Delivery(TestLeads.Education(3)));

        Assert.Equal("AppSource: contoso.analytics3 — Install", Text(record, "subject"));
        Assert.Equal("Lead source: SPZA-INS|contoso.analytics3\nAction: INS (Install)", Text(record, "description"));
    }

    [Fact]
    public void Edu_lead_without_personal_details_gets_a_last_name_and_sends_only_what_it_has()
    {
        var record = Mapping().Map(TestLeads.Delivery(TestLeads.Education(1)));

        Assert.Equal("(not provided)", Text(record, "lastname"));
        Assert.Equal("US", Text(record, "address1_country"));
        Assert.False(record.ContainsKey("firstname"));
        Assert.False(record.ContainsKey("emailaddress1"));
        Assert.False(record.ContainsKey("companyname"));
    }

    [Theory]
    [InlineData("""{"UserDetails":{"FirstName":"Ada","Company":"Contoso"},"OfferTitle":"X"}""", "Contoso")]
    [InlineData("""{"UserDetails":{"FirstName":"Ada","Email":"ada.l@contoso.example"},"OfferTitle":"X"}""", "ada.l")]
    [InlineData("""{"UserDetails":{"FirstName":"Ada","LastName":"   "},"OfferTitle":"X"}""", "(not provided)")]
    public void Missing_last_name_falls_back_to_company_then_email_name_then_not_provided(string lead, string expected)
    {
        var record = Mapping().Map(TestLeads.Delivery(lead));

        Assert.Equal(expected, Text(record, "lastname"));
    }

    [Fact]
    public void A_lead_with_nothing_for_the_subject_is_a_Marketplace_lead()
    {
        var record = Mapping().Map(TestLeads.Delivery("""{"UserDetails":{"LastName":"Lovelace"}}"""));

        Assert.Equal("Marketplace lead", Text(record, "subject"));
        Assert.False(record.ContainsKey("description"));
    }

    [Fact]
    public void Every_text_is_cut_to_its_column_length_and_never_rejected_for_length()
    {
        var record = Mapping().Map(TestLeads.Delivery(TestLeads.Oversized(1)));

        foreach (var (column, max) in new Dictionary<string, int>
                 {
                     ["firstname"] = 50, ["lastname"] = 50, ["emailaddress1"] = 100, ["telephone1"] = 50, ["companyname"] = 100,
                     ["jobtitle"] = 100, ["address1_country"] = 80, ["subject"] = 300, ["description"] = 2000,
                 })
        {
            Assert.Equal(max, Text(record, column)!.Length);
        }

        Assert.StartsWith("Lead source: AppSource\nAction: StartTestDrive (Start test drive)\n\nLong description 1.", Text(record, "description"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_path_overrides_a_default_column()
    {
        var record = Mapping(o => o.Mapping["jobtitle"] = "UserDetails.Company").Map(TestLeads.Delivery(TestLeads.ContactMe(2)));

        Assert.Equal("Analytical Engines 2", Text(record, "jobtitle"));
    }

    [Fact]
    public void Templates_combine_fields_and_text_into_any_column_including_custom_ones()
    {
        var mapping = Mapping(o =>
        {
            o.Mapping["new_offer"] = "{OfferTitle} ({ActionCode})";
            o.Mapping["new_marketplaceleadid"] = "{LeadId}";
            o.Mapping["New_Braces"] = "{{literal}} {Marketplace}";
            o.Mapping["subject"] = "[{UserDetails.Country}] {Subject}";
        });
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(4));

        var record = mapping.Map(delivery);

        Assert.Equal("Contoso Analytics (PLT)", Text(record, "new_offer"));
        Assert.Equal(delivery.LeadId, Text(record, "new_marketplaceleadid"));
        Assert.Equal("{literal} Azure Marketplace", Text(record, "new_braces"));
        Assert.Equal("[United Kingdom] Azure Marketplace: Contoso Analytics — Contact me", Text(record, "subject"));
    }

    [Fact]
    public void A_template_whose_fields_are_all_missing_leaves_the_column_out()
    {
        var record = Mapping(o => o.Mapping["new_offer"] = " {OfferTitle} ").Map(TestLeads.Delivery(TestLeads.Education(1)));

        Assert.False(record.ContainsKey("new_offer"));
    }

    [Fact]
    public void Constants_are_numbers_booleans_null_or_text()
    {
        var record = Mapping(o =>
        {
            o.Mapping["leadqualitycode"] = "=2";
            o.Mapping["donotemail"] = "=true";
            o.Mapping["new_channel"] = "=Partner Center";
            o.Mapping["new_code"] = "=\"8\"";
            o.Mapping["telephone2"] = "=null";
        }).Map(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal(2, record["leadqualitycode"]!.GetValue<int>());
        Assert.True(record["donotemail"]!.GetValue<bool>());
        Assert.Equal("Partner Center", Text(record, "new_channel"));
        Assert.Equal("8", Text(record, "new_code"));
        Assert.True(record.ContainsKey("telephone2"));
        Assert.Null(record["telephone2"]);
    }

    [Fact]
    public void Option_set_value_of_the_lead_source_is_configurable_both_ways()
    {
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        Assert.Equal(100000001, Mapping(o => o.LeadSourceCode = 100000001).Map(delivery)["leadsourcecode"]!.GetValue<int>());
        Assert.Equal(3, Mapping(o => o.Mapping["leadsourcecode"] = "=3").Map(delivery)["leadsourcecode"]!.GetValue<int>());
    }

    [Fact]
    public void An_empty_value_removes_a_default_column_but_lastname_and_subject_stay_filled()
    {
        var record = Mapping(o =>
        {
            o.Mapping["telephone1"] = "";
            o.Mapping["leadsourcecode"] = "";
            o.Mapping["lastname"] = "";
            o.Mapping["subject"] = "";
        }).Map(TestLeads.Delivery(TestLeads.ContactMe(5)));

        Assert.False(record.ContainsKey("telephone1"));
        Assert.False(record.ContainsKey("leadsourcecode"));
        Assert.Equal("Analytical Engines 5", Text(record, "lastname"));
        Assert.Equal("Azure Marketplace: Contoso Analytics — Contact me", Text(record, "subject"));
    }

    [Fact]
    public void Custom_text_columns_are_cut_to_their_configured_length()
    {
        var record = Mapping(o =>
        {
            o.Mapping["new_offer"] = "OfferTitle";
            o.MaxLength["new_offer"] = 10;
            o.MaxLength["subject"] = 20; // a standard column made shorter in this org
        }).Map(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal("Contoso An", Text(record, "new_offer"));
        Assert.Equal(20, Text(record, "subject")!.Length);
    }

    [Fact]
    public void Column_names_are_logical_names_in_lower_case()
    {
        var record = Mapping(o => o.Mapping["New_Offer"] = "OfferTitle").Map(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal("Contoso Analytics", Text(record, "new_offer"));
    }

    [Theory]
    [InlineData("new offer", "OfferTitle", "not a Dataverse column logical name")]
    [InlineData("leadid", "LeadId", "record key")]
    [InlineData("new_offer", "Offer Title", "neither a field path")]
    [InlineData("new_offer", "{OfferTitle", "without its '}'")]
    [InlineData("new_offer", "OfferTitle}", "without its '{'")]
    [InlineData("new_offer", "{Offer Title}", "not a field path")]
    public void Bad_mapping_settings_are_reported_naming_the_setting(string column, string value, string problem)
    {
        var problems = Problems(o => o.Mapping[column] = value);

        var single = Assert.Single(problems);
        Assert.Contains($"Destinations__Dataverse__Mapping__{column}", single, StringComparison.Ordinal);
        Assert.Contains(problem, single, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_positive_max_length_is_reported()
    {
        var single = Assert.Single(Problems(o => o.MaxLength["new_offer"] = 0));

        Assert.Contains("Destinations__Dataverse__MaxLength__new_offer", single, StringComparison.Ordinal);
    }
}
