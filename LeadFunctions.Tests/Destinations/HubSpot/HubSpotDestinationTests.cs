using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations;
using System.Text.Json.Nodes;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations.HubSpot;
using LeadFunctions.Tests.Destinations;

namespace LeadFunctions.Tests.Destinations.HubSpot;

/// <summary>One delivery at a time against the strict fake contacts API: exactly once, duplicate e-mails, rate limits, failure classes.</summary>
public sealed class HubSpotDestinationTests : CrmDestinationSuite<FakeHubSpot, CrmDestination<HubSpotProtocol>>
{
    [Fact]
    public async Task A_lead_becomes_one_contact_keyed_by_its_lead_id_with_the_private_app_token()
    {
        await using var harness = HubSpotHarness.Create(Fake);
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var outcome = await harness.DeliverAsync(delivery);

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), outcome);
        var contact = Fake.ContactWith(FakeHubSpot.LeadIdProperty, delivery.LeadId);
        Assert.Equal("ada1@contoso.example", contact["email"]!.GetValue<string>());
        Assert.Equal("Chief Mathematician", contact["jobtitle"]!.GetValue<string>());
        Assert.Empty(Fake.Violations);
        Assert.Equal(Fake.Requests, Fake.WithToken);
    }

    [Fact]
    public async Task A_lead_without_an_email_address_is_still_one_contact()
    {
        await using var harness = HubSpotHarness.Create(Fake);
        var delivery = TestLeads.Delivery(TestLeads.Education(1));

        await harness.DeliverAsync(delivery);
        await harness.DeliverAsync(delivery with { Attempt = 2 });

        var contact = Assert.Single(Fake.Contacts.Values);
        Assert.Null(contact["email"]);
        Assert.Equal("(not provided)", contact["lastname"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_email_that_belongs_to_a_contact_already_counts_as_delivered_by_default_and_changes_nothing()
    {
        var existing = Fake.AddContact(new JsonObject { ["email"] = "ada1@contoso.example", ["jobtitle"] = "Edited in HubSpot" });
        await using var harness = HubSpotHarness.Create(Fake);

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: true), outcome);
        var contact = Assert.Single(Fake.Contacts).Value;
        Assert.Equal("Edited in HubSpot", contact["jobtitle"]!.GetValue<string>());
        Assert.Equal(0, Fake.Updates);
        Assert.Equal(existing, Assert.Single(Fake.Contacts).Key);
    }

    [Fact]
    public async Task With_OnExistingContact_Update_the_existing_contact_gets_the_leads_properties()
    {
        Fake.AddContact(new JsonObject { ["email"] = "ada1@contoso.example", ["jobtitle"] = "Old title", [FakeHubSpot.LeadIdProperty] = "an-earlier-lead" });
        await using var harness = HubSpotHarness.Create(Fake, s => s["Destinations:HubSpot:OnExistingContact"] = "Update");

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: true), outcome);
        var contact = Assert.Single(Fake.Contacts).Value;
        Assert.Equal("Chief Mathematician", contact["jobtitle"]!.GetValue<string>());
        Assert.Equal("an-earlier-lead", contact[FakeHubSpot.LeadIdProperty]!.GetValue<string>());
        Assert.Equal(1, Fake.Updates);
    }

    [Fact]
    public async Task Rate_limit_headers_make_every_worker_wait_for_the_window_instead_of_hammering()
    {
        Fake.Limit = new ServiceProtectionLimit(Requests: 6, Window: TimeSpan.FromSeconds(1), RetryAfterSeconds: 0);
        await using var harness = HubSpotHarness.Create(Fake, s =>
        {
            s["Destinations:HubSpot:Retries"] = "5";
            s["Destinations:HubSpot:TotalTimeout"] = "00:00:20";
        });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(i)))));

        Assert.All(outcomes, o => Assert.IsType<DeliveryOutcome.Delivered>(o));
        Assert.Equal(8, Fake.Contacts.Count);
        // Only requests already in flight when the window ran out draw a 429: at most a few per window, never a storm.
        Assert.True(Fake.Throttled <= 8, $"{Fake.Throttled} of {Fake.Requests} requests were throttled");
    }

    [Fact]
    public async Task The_daily_limit_hands_the_lead_back_for_an_hour()
    {
        Fake.DailyLimitExhausted = true;
        await using var harness = HubSpotHarness.Create(Fake);

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(outcome);
        Assert.Equal(429, retry.Failure.Status);
        Assert.Equal("RATE_LIMIT", retry.Failure.Code);
        Assert.Equal(TimeSpan.FromHours(1), retry.RetryAfter);
        Assert.Contains("DAILY", retry.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mapped_property_that_does_not_exist_is_permanent_until_it_exists()
    {
        await using var harness = HubSpotHarness.Create(Fake, s => s["Destinations:HubSpot:Mapping:marketplace_offer"] = "OfferTitle");
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(delivery));
        Assert.Equal(400, cannot.Failure.Status);
        Assert.Equal("PROPERTY_DOESNT_EXIST", cannot.Failure.Code);
        Assert.Contains("Destinations__HubSpot__Mapping__<property>", cannot.Failure.Message, StringComparison.Ordinal);

        Fake.Properties["marketplace_offer"] = false;
        Assert.Equal(new DeliveryOutcome.Delivered(false), await harness.DeliverAsync(delivery));
    }

    [Fact]
    public async Task A_validation_error_that_quotes_lead_data_is_kept_without_it()
    {
        await using var harness = HubSpotHarness.Create(Fake, s => s["Destinations:HubSpot:Mapping:email"] = "UserDetails.Phone");

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal("INVALID_EMAIL", cannot.Failure.Code);
        Assert.Contains("Email address [value] is invalid", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("+1 425 555 0001", cannot.Failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_token_is_permanent_at_once()
    {
        await using var harness = HubSpotHarness.Create(Fake, s => s["Destinations:HubSpot:AccessToken"] = "pat-revoked");

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1))));

        Assert.Equal(401, cannot.Failure.Status);
        Assert.Contains("Destinations__HubSpot__AccessToken", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, Fake.Requests);
    }

    protected override Task<FakeHubSpot> StartFakeAsync() => FakeHubSpot.StartAsync();

    protected override DestinationHarness<CrmDestination<HubSpotProtocol>> Harness(Action<Dictionary<string, string?>>? settings = null) => HubSpotHarness.Create(Fake, settings);

    protected override JsonObject RecordOf(string leadId) => Fake.ContactWith(FakeHubSpot.LeadIdProperty, leadId);

    protected override void AssertNothingWrittenAgain(string leadId) => Assert.Equal(0, Fake.Updates);
}
