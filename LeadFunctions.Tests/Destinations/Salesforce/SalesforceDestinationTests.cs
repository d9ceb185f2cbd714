using LeadFunctions.Destinations.Http;
using System.Text.Json.Nodes;
using LeadFunctions.Destinations;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations.Salesforce;
using LeadFunctions.Tests.Destinations;

namespace LeadFunctions.Tests.Destinations.Salesforce;

/// <summary>One delivery at a time against the strict fake org: exactly once, the token, failure classes, the fallback without an External ID.</summary>
public sealed class SalesforceDestinationTests : CrmDestinationSuite<FakeSalesforce, CrmDestination<SalesforceProtocol>>
{
    [Fact]
    public async Task A_lead_becomes_one_Lead_keyed_by_its_lead_id_with_a_client_credentials_token()
    {
        await using var harness = SalesforceHarness.Create(Fake);
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var outcome = await harness.DeliverAsync(delivery);

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), outcome);
        var lead = Fake.LeadWith(FakeSalesforce.ExternalIdField, delivery.LeadId);
        Assert.Equal("ada1@contoso.example", lead["Email"]!.GetValue<string>());
        Assert.Equal("Lovelace1", lead["LastName"]!.GetValue<string>());
        Assert.Equal("Analytical Engines 1", lead["Company"]!.GetValue<string>());
        Assert.Equal(1, Fake.TokensIssued);
        Assert.Empty(Fake.Violations);
    }

    [Fact]
    public async Task One_token_serves_many_leads_and_an_expired_session_is_renewed_once()
    {
        await using var harness = SalesforceHarness.Create(Fake);
        for (var i = 0; i < 3; i++) await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(i)));
        Assert.Equal(1, Fake.TokensIssued);

        Fake.ExpireTokens();
        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(9)));

        Assert.Equal(new DeliveryOutcome.Delivered(false), outcome);
        Assert.Equal(2, Fake.TokensIssued);
        Assert.Equal(1, Fake.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_permanent_with_what_to_do()
    {
        await using var harness = SalesforceHarness.Create(Fake, s => s["Destinations:Salesforce:ClientSecret"] = "wrong");

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal(400, cannot.Failure.Status);
        Assert.Equal("invalid_client", cannot.Failure.Code);
        Assert.Contains("client credentials flow with a run-as user", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, Fake.Requests); // the token request only: no retry storm
    }

    [Fact]
    public async Task Missing_last_name_and_company_are_filled_because_Salesforce_requires_them()
    {
        await using var harness = SalesforceHarness.Create(Fake);
        var withCompany = TestLeads.Delivery("""{"UserDetails":{"FirstName":"Ada","Company":"Contoso"},"OfferTitle":"X"}""");
        var withNothing = TestLeads.Delivery("""{"UserDetails":{"FirstName":"Ada","Email":"ada.l@contoso.example"},"OfferTitle":"Y"}""");

        Assert.IsType<DeliveryOutcome.Delivered>(await harness.DeliverAsync(withCompany));
        Assert.IsType<DeliveryOutcome.Delivered>(await harness.DeliverAsync(withNothing));

        var first = Fake.LeadWith(FakeSalesforce.ExternalIdField, withCompany.LeadId);
        Assert.Equal(("Contoso", "Contoso"), (first["LastName"]!.GetValue<string>(), first["Company"]!.GetValue<string>()));
        var second = Fake.LeadWith(FakeSalesforce.ExternalIdField, withNothing.LeadId);
        Assert.Equal(("ada.l", "(not provided)"), (second["LastName"]!.GetValue<string>(), second["Company"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_field_error_is_permanent_with_the_reason_and_never_the_value()
    {
        Fake.Fields["Offer__c"] = new SalesforceField(SalesforceFieldType.Text, 10);
        await using var harness = SalesforceHarness.Create(Fake, s => s["Destinations:Salesforce:Mapping:Offer__c"] = "UserDetails.Email");

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal(400, cannot.Failure.Status);
        Assert.Equal("STRING_TOO_LONG", cannot.Failure.Code);
        Assert.Contains("data value too large: [value] (max length=10)", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("(fields: Offer__c)", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("Destinations__Salesforce__MaxLength__", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ada1@contoso.example", cannot.Failure.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_field_that_does_not_exist_is_permanent_until_it_exists()
    {
        await using var harness = SalesforceHarness.Create(Fake, s => s["Destinations:Salesforce:Mapping:Offer__c"] = "OfferTitle");
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(delivery));
        Assert.Equal("INVALID_FIELD", cannot.Failure.Code);
        Assert.Contains("No such column 'Offer__c'", cannot.Failure.Message, StringComparison.Ordinal);

        Fake.Fields["Offer__c"] = new SalesforceField(SalesforceFieldType.Text, 255);
        Assert.Equal(new DeliveryOutcome.Delivered(false), await harness.DeliverAsync(delivery));
    }

    [Fact]
    public async Task The_orgs_API_limit_stops_every_worker_and_hands_the_lead_back_without_retrying_in_process()
    {
        Fake.Limit = new ServiceProtectionLimit(Requests: 0, Window: TimeSpan.FromHours(24), RetryAfterSeconds: 0);
        await using var harness = SalesforceHarness.Create(Fake, s => s["Destinations:Salesforce:RequestLimitWait"] = "00:10:00");

        var first = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));
        var second = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(2)));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(first);
        Assert.Equal(403, retry.Failure.Status);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", retry.Failure.Code);
        Assert.Equal(TimeSpan.FromMinutes(10), retry.RetryAfter);
        Assert.IsType<DeliveryOutcome.RetryLater>(second); // not even sent: the gate is closed for everyone
        Assert.Equal(2, Fake.Requests); // the token and one lookup
    }

    [Fact]
    public async Task Two_leads_with_the_same_lead_id_are_ambiguous_and_permanent()
    {
        await using var harness = SalesforceHarness.Create(Fake);
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));
        foreach (var id in new[] { "00Q000000000001", "00Q000000000002" })
        {
            Fake.Leads[id] = new() { ["LastName"] = "X", ["Company"] = "Y", [FakeSalesforce.ExternalIdField] = delivery.LeadId };
        }

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(delivery));

        Assert.Equal(300, cannot.Failure.Status);
        Assert.Contains("merge them", cannot.Failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The admin created the lead-id field as a Unique text field, not as an External ID.</summary>
    private SalesforceHarness WithoutExternalId()
    {
        Fake.Fields["Lead_Id_Text__c"] = new SalesforceField(SalesforceFieldType.Text, 64, Unique: true);
        return SalesforceHarness.Create(Fake, s =>
        {
            s["Destinations:Salesforce:ExternalIdField"] = "";
            s["Destinations:Salesforce:LeadIdField"] = "Lead_Id_Text__c";
        });
    }

    [Fact]
    public async Task Without_an_External_ID_the_lead_id_is_looked_up_with_SOQL_then_created_once()
    {
        await using var harness = WithoutExternalId();
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        Assert.Equal(new DeliveryOutcome.Delivered(false), await harness.DeliverAsync(delivery));
        Assert.Equal(new DeliveryOutcome.Delivered(true), await harness.DeliverAsync(delivery with { Attempt = 2 }));

        Assert.Equal(delivery.LeadId, Assert.Single(Fake.Leads.Values)["Lead_Id_Text__c"]!.GetValue<string>());
        Assert.Contains(Fake.Log, l => l.Path.EndsWith("/query", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_External_ID_two_deliveries_at_the_same_instant_make_one_lead_when_the_field_is_Unique()
    {
        await using var harness = WithoutExternalId();
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));
        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(0))); // a token first

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => harness.DeliverAsync(delivery)));

        Assert.All(outcomes, o => Assert.IsType<DeliveryOutcome.Delivered>(o));
        Assert.Single(Fake.Leads.Values, l => l["Lead_Id_Text__c"]?.GetValue<string>() == delivery.LeadId);
    }

    protected override Task<FakeSalesforce> StartFakeAsync() => FakeSalesforce.StartAsync();

    protected override DestinationHarness<CrmDestination<SalesforceProtocol>> Harness(Action<Dictionary<string, string?>>? settings = null) => SalesforceHarness.Create(Fake, settings);

    protected override JsonObject RecordOf(string leadId) => Fake.LeadWith(FakeSalesforce.ExternalIdField, leadId);

    // A salesperson edits the Lead between the two deliveries: the second must not undo it.
    protected override void BeforeDeliveringAgain(string leadId) => RecordOf(leadId)["Title"] = "Edited by a salesperson";

    protected override void AssertNothingWrittenAgain(string leadId)
    {
        Assert.Equal(0, Fake.Updates);
        Assert.Equal("Edited by a salesperson", RecordOf(leadId)["Title"]!.GetValue<string>());
    }

    // A token first, so that the burst meets the lead's request.
    protected override Task BeforeTheBurstAsync(DestinationHarness<CrmDestination<SalesforceProtocol>> harness) => harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(0)));
}
