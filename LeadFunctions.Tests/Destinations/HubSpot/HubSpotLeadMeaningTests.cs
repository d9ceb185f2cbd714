using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations;
using System.Text.Json.Nodes;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations.HubSpot;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Tests.Destinations;

namespace LeadFunctions.Tests.Destinations.HubSpot;

/// <summary>
/// What a lead means arrives in HubSpot as the customer wrote it, against the strict fake account: text in any script;
/// a DNC lead's contact marked with the do-not-contact property and its address opted out of all e-mail through the
/// communication preferences API (hs_email_optout itself is read-only); campaign and offer fields; no personal data.
/// </summary>
public sealed class HubSpotLeadMeaningTests : LeadMeaningSuite<FakeHubSpot, CrmDestination<HubSpotProtocol>>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_do_not_contact_lead_is_marked_and_its_address_opted_out_of_all_email(bool inLeadSource)
    {
        var contact = await DeliverAsync(TestLeads.DoNotContact(1, inLeadSource));

        Assert.Equal("true", Text(contact, FakeHubSpot.DoNotContactProperty));
        Assert.Equal("true", Text(contact, "hs_email_optout"));
        Assert.True(Fake.OptedOut.ContainsKey("ada1@contoso.example"));
    }

    [Fact]
    public async Task An_ordinary_lead_is_neither_marked_nor_opted_out()
    {
        var contact = await DeliverAsync(TestLeads.ContactMe(1));

        Assert.False(contact.ContainsKey(FakeHubSpot.DoNotContactProperty));
        Assert.Empty(Fake.OptedOut);
    }

    [Fact]
    public async Task A_do_not_contact_lead_delivered_again_opts_its_address_out_again_and_creates_nothing()
    {
        await using var harness = HubSpotHarness.Create(Fake);
        var delivery = TestLeads.Delivery(TestLeads.DoNotContact(1));
        Fake.Scopes.TryRemove(FakeHubSpot.OptOutScope, out _);
        Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(delivery));
        Fake.Scopes[FakeHubSpot.OptOutScope] = true;

        var replayed = await harness.DeliverAsync(delivery with { Attempt = 2 });

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: true), replayed);
        Assert.Single(Fake.Contacts);
        Assert.True(Fake.OptedOut.ContainsKey("ada1@contoso.example"));
    }

    [Fact]
    public async Task Without_the_communication_preferences_scope_a_do_not_contact_lead_is_poisoned_with_what_to_do()
    {
        Fake.Scopes.TryRemove(FakeHubSpot.OptOutScope, out _);
        await using var harness = HubSpotHarness.Create(Fake);

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.DoNotContact(1)));

        var poisoned = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal(403, poisoned.Failure.Status);
        Assert.Contains("communication_preferences.write", poisoned.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("Destinations__HubSpot__DoNotContactOptOut=false", poisoned.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ada1@contoso.example", poisoned.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_opt_out_is_switched_off_by_a_setting_and_the_property_by_an_empty_mapping()
    {
        Fake.Scopes.TryRemove(FakeHubSpot.OptOutScope, out _);

        var contact = await DeliverAsync(TestLeads.DoNotContact(1), s =>
        {
            s["Destinations:HubSpot:DoNotContactOptOut"] = "false";
            s[$"Destinations:HubSpot:Mapping:{FakeHubSpot.DoNotContactProperty}"] = "";
        });

        Assert.False(contact.ContainsKey(FakeHubSpot.DoNotContactProperty));
        Assert.Empty(Fake.OptedOut);
    }

    [Fact]
    public async Task HubSpots_own_opt_out_property_is_read_only_so_mapping_it_poisons_the_lead_with_what_to_do()
    {
        await using var harness = HubSpotHarness.Create(Fake, s => s["Destinations:HubSpot:Mapping:hs_email_optout"] = "DoNotContact");

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.DoNotContact(1)));

        var poisoned = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal("READ_ONLY_VALUE", poisoned.Failure.Code);
        Assert.Contains("read-only", poisoned.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_do_not_contact_lead_without_an_email_address_is_marked_with_nothing_to_opt_out()
    {
        var lead = TestLeads.DoNotContact(1);
        ((JsonObject)lead["UserDetails"]!).Remove("Email");

        var contact = await DeliverAsync(lead);

        Assert.Equal("true", Text(contact, FakeHubSpot.DoNotContactProperty));
        Assert.Empty(Fake.OptedOut);
    }

    [Fact]
    public async Task Campaign_and_offer_fields_map_into_custom_properties()
    {
        Fake.Properties["marketplace_campaign"] = false;
        Fake.Properties["marketplace_offer_id"] = false;

        var contact = await DeliverAsync(TestLeads.WithCampaign(5), s =>
        {
            s["Destinations:HubSpot:Mapping:marketplace_campaign"] = "Campaign";
            s["Destinations:HubSpot:Mapping:marketplace_offer_id"] = "LeadSource.OfferId";
        });

        Assert.Equal("spring-webinar, blogpost_5", Text(contact, "marketplace_campaign"));
        Assert.Equal("analytics", Text(contact, "marketplace_offer_id"));
    }

    [Fact]
    public async Task A_lead_without_any_personal_data_is_one_contact_with_the_last_name_from_the_fallback()
    {
        var contact = await DeliverAsync(TestLeads.NoPersonalData(1));

        Assert.Equal(LeadFields.NotProvided, Text(contact, "lastname"));
        Assert.False(contact.ContainsKey("email"));
        Assert.StartsWith("AppSource: Contoso Analytics — Install", Text(contact, "message"), StringComparison.Ordinal);
    }

    protected override CrmFields Fields { get; } = new("firstname", "lastname", "company", "message");

    protected override Task<FakeHubSpot> StartFakeAsync() => FakeHubSpot.StartAsync();

    protected override DestinationHarness<CrmDestination<HubSpotProtocol>> Harness(Action<Dictionary<string, string?>>? settings = null) => HubSpotHarness.Create(Fake, settings);

    protected override JsonObject RecordOf(string leadId) => Fake.ContactWith(FakeHubSpot.LeadIdProperty, leadId);

    protected override void AssertTheRestOfTheScriptLead(JsonObject record)
    {
        Assert.Equal("대한민국", Text(record, "country"));
    }
}
