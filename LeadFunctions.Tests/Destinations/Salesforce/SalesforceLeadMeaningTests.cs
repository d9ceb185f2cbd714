using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations;
using System.Text.Json.Nodes;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations.Salesforce;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Tests.Destinations;

namespace LeadFunctions.Tests.Destinations.Salesforce;

/// <summary>
/// What a lead means arrives in Salesforce as the customer wrote it, against the strict fake org (real field names,
/// checkboxes that take only true/false): text in any script, the opt-out fields of a DNC lead, campaign and offer
/// fields, a lead without personal data.
/// </summary>
public sealed class SalesforceLeadMeaningTests : LeadMeaningSuite<FakeSalesforce, CrmDestination<SalesforceProtocol>>
{
    private static readonly string[] OptOutFields = ["HasOptedOutOfEmail", "DoNotCall", "HasOptedOutOfFax"];

    [Fact]
    public async Task A_first_name_too_long_for_its_field_is_cut_between_characters()
    {
        // FirstName holds 40 characters; the 40th is the first half of an emoji.
        var lead = await DeliverAsync(TestLeads.InScript(new string('민', 39) + "🚀수", "김", "삼성", "-"));

        Assert.Equal(new string('민', 39), Text(lead, "FirstName"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_do_not_contact_lead_is_opted_out_of_email_calls_and_fax(bool inLeadSource)
    {
        var lead = await DeliverAsync(TestLeads.DoNotContact(1, inLeadSource));

        foreach (var field in OptOutFields) Assert.True(lead[field]!.GetValue<bool>(), field);
        Assert.Contains("Do not contact: the customer asked not to be contacted.", Text(lead, "Description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ordinary_lead_sends_no_opt_out_field()
    {
        var lead = await DeliverAsync(TestLeads.ContactMe(1));

        foreach (var field in OptOutFields) Assert.False(lead.ContainsKey(field), field);
    }

    [Fact]
    public async Task An_opt_out_field_is_switched_off_by_an_empty_mapping()
    {
        var lead = await DeliverAsync(TestLeads.DoNotContact(1), s => s["Destinations:Salesforce:Mapping:HasOptedOutOfFax"] = "");

        Assert.False(lead.ContainsKey("HasOptedOutOfFax"));
        Assert.True(lead["DoNotCall"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_misspelt_opt_out_field_is_refused_by_the_strict_fake_and_poisons_the_lead()
    {
        await using var harness = SalesforceHarness.Create(Fake, s => s["Destinations:Salesforce:Mapping:HasOptedOutOfEmails"] = "DoNotContact");

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.DoNotContact(1)));

        var poisoned = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal("INVALID_FIELD", poisoned.Failure.Code);
    }

    [Fact]
    public async Task Campaign_and_offer_fields_map_into_custom_fields()
    {
        Fake.Fields["Campaign_Code__c"] = new SalesforceField(SalesforceFieldType.Text, 16);
        Fake.Fields["Offer_Id__c"] = new SalesforceField(SalesforceFieldType.Text, 50);

        var lead = await DeliverAsync(TestLeads.WithCampaign(3), s =>
        {
            s["Destinations:Salesforce:Mapping:Campaign_Code__c"] = "Campaign.mktcmpid";
            s["Destinations:Salesforce:MaxLength:Campaign_Code__c"] = "16";
            s["Destinations:Salesforce:Mapping:Offer_Id__c"] = "{LeadSource.PublisherId}.{LeadSource.OfferId}";
            s["Destinations:Salesforce:MaxLength:Offer_Id__c"] = "50";
        });

        Assert.Equal("blogpost_3", Text(lead, "Campaign_Code__c"));
        Assert.Equal("contoso.analytics", Text(lead, "Offer_Id__c"));
        Assert.Contains("Campaign: spring-webinar, blogpost_3", Text(lead, "Description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_without_any_personal_data_is_delivered_with_last_name_and_company_from_the_fallbacks()
    {
        var lead = await DeliverAsync(TestLeads.NoPersonalData(1));

        Assert.Equal(LeadFields.NotProvided, Text(lead, "LastName"));
        Assert.Equal(LeadFields.NotProvided, Text(lead, "Company"));
        Assert.False(lead.ContainsKey("Email"));
        Assert.StartsWith("AppSource: Contoso Analytics — Install", Text(lead, "Description"), StringComparison.Ordinal);
    }

    protected override CrmFields Fields { get; } = new("FirstName", "LastName", "Company", "Description");

    protected override Task<FakeSalesforce> StartFakeAsync() => FakeSalesforce.StartAsync();

    protected override DestinationHarness<CrmDestination<SalesforceProtocol>> Harness(Action<Dictionary<string, string?>>? settings = null) => SalesforceHarness.Create(Fake, settings);

    protected override JsonObject RecordOf(string leadId) => Fake.LeadWith(FakeSalesforce.ExternalIdField, leadId);

    protected override void AssertTheRestOfTheScriptLead(JsonObject record)
    {
        Assert.Equal("과장", Text(record, "Title"));
        Assert.StartsWith("AppSource: 콘토소 분석 — Contact me\n\n", Text(record, "Description"), StringComparison.Ordinal);
    }
}
