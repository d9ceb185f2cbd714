using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Tests.Destinations;

namespace LeadFunctions.Tests.Destinations.Dataverse;

/// <summary>
/// What a lead means arrives in Dataverse as the customer wrote it, against the strict fake (which knows only real
/// column names and types): text in any script, cut on character boundaries; the do-not-contact columns of a DNC
/// lead; campaign and offer fields; a lead without personal data.
/// </summary>
public sealed class DataverseLeadMeaningTests : LeadMeaningSuite<FakeDataverse, CrmDestination<DataverseProtocol>>
{
    private static readonly string[] DoNotColumns = ["donotemail", "donotbulkemail", "donotphone", "donotfax", "donotpostalmail", "donotsendmm"];

    [Theory]
    [InlineData("🚀")]
    [InlineData("e\u0301")]
    [InlineData("👩‍💻")]
    public async Task A_description_too_long_for_its_column_is_cut_between_characters_as_a_person_sees_them(string character)
    {
        // The description column holds 2,000 characters: put the character across that boundary.
        var header = LeadFields.Notes(TestLeads.Delivery(TestLeads.InScript("민수", "김", "삼성", "x")).Lead)!.Length - 1;
        var lead = TestLeads.InScript("민수", "김", "삼성", new string('가', 2000 - header - 1) + character + "끝까지 읽어 주세요");

        var record = await DeliverAsync(lead);

        var description = Text(record, "description")!;
        Assert.Equal(LeadFields.Notes(TestLeads.Delivery(lead).Lead)![..(2000 - 1)], description);
        Assert.EndsWith("가", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mapped_object_is_readable_json_and_stays_valid_json_when_cut_to_its_column()
    {
        Fake.AddTextColumn("new_details", 90);

        var record = await DeliverAsync(TestLeads.InScript("민수", "김", "삼성전자 주식회사", "-"), s =>
        {
            s["Destinations:Dataverse:Mapping:new_details"] = "UserDetails";
            s["Destinations:Dataverse:MaxLength:new_details"] = "90";
        });

        var details = Text(record, "new_details")!;
        Assert.True(details.Length <= 90, $"{details.Length} characters");
        Assert.StartsWith("""{"FirstName":"민수","LastName":"김","Email":""", details, StringComparison.Ordinal);
        using var parsed = JsonDocument.Parse(details);
        Assert.EndsWith(ColumnCut.CutMark, parsed.RootElement.GetProperty("Email").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_do_not_contact_lead_has_every_do_not_column_set(bool inLeadSource)
    {
        var record = await DeliverAsync(TestLeads.DoNotContact(1, inLeadSource));

        foreach (var column in DoNotColumns) Assert.True(record[column]!.GetValue<bool>(), column);
        Assert.Contains("Do not contact", Text(record, "description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ordinary_lead_sends_no_do_not_column_so_the_org_defaults_apply()
    {
        var record = await DeliverAsync(TestLeads.ContactMe(1));

        foreach (var column in DoNotColumns) Assert.False(record.ContainsKey(column), column);
    }

    [Fact]
    public async Task A_do_not_column_is_switched_off_by_an_empty_mapping_and_moved_by_another()
    {
        Fake.Attributes["new_donotcontact"] = new LeadAttribute(AttributeType.Boolean, 0);

        var record = await DeliverAsync(TestLeads.DoNotContact(1), settings =>
        {
            settings["Destinations:Dataverse:Mapping:donotsendmm"] = "";
            settings["Destinations:Dataverse:Mapping:new_donotcontact"] = "DoNotContact";
        });

        Assert.False(record.ContainsKey("donotsendmm"));
        Assert.True(record["donotemail"]!.GetValue<bool>());
        Assert.True(record["new_donotcontact"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_misspelt_do_not_column_is_refused_by_the_strict_fake_and_poisons_the_lead()
    {
        await using var harness = DataverseHarness.Create(Fake, s => s["Destinations:Dataverse:Mapping:donotemails"] = "DoNotContact");

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.DoNotContact(1)));

        var poisoned = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Contains("donotemails", poisoned.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_and_offer_fields_map_into_custom_columns_and_the_description_names_the_campaign()
    {
        Fake.AddTextColumn("new_campaign", 100);
        Fake.AddTextColumn("new_source", 100);
        Fake.AddTextColumn("new_offerid", 100);
        Fake.AddTextColumn("new_publisherid", 100);

        var record = await DeliverAsync(TestLeads.WithCampaign(7), settings =>
        {
            settings["Destinations:Dataverse:Mapping:new_campaign"] = "Campaign.mktcmpid";
            settings["Destinations:Dataverse:Mapping:new_source"] = "{Campaign.src} / {Campaign}";
            settings["Destinations:Dataverse:Mapping:new_offerid"] = "LeadSource.OfferId";
            settings["Destinations:Dataverse:Mapping:new_publisherid"] = "LeadSource.PublisherId";
            settings["Destinations:Dataverse:MaxLength:new_campaign"] = "100";
            settings["Destinations:Dataverse:MaxLength:new_source"] = "100";
            settings["Destinations:Dataverse:MaxLength:new_offerid"] = "100";
            settings["Destinations:Dataverse:MaxLength:new_publisherid"] = "100";
        });

        Assert.Equal("blogpost_7", Text(record, "new_campaign"));
        Assert.Equal("newsletter / spring-webinar, blogpost_7", Text(record, "new_source"));
        Assert.Equal("analytics", Text(record, "new_offerid"));
        Assert.Equal("contoso", Text(record, "new_publisherid"));
        Assert.Contains("Campaign: spring-webinar, blogpost_7", Text(record, "description"), StringComparison.Ordinal);
        Assert.Contains("?src=newsletter&mktcmpid=blogpost_7", Text(record, "description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_without_any_personal_data_is_delivered_with_lastname_and_subject_from_the_fallbacks()
    {
        var record = await DeliverAsync(TestLeads.NoPersonalData(1));

        Assert.Equal(LeadFields.NotProvided, Text(record, "lastname"));
        Assert.Equal("AppSource: Contoso Analytics — Install", Text(record, "subject"));
        Assert.False(record.ContainsKey("firstname"));
        Assert.False(record.ContainsKey("emailaddress1"));
    }

    protected override CrmFields Fields { get; } = new("firstname", "lastname", "companyname", "description");

    protected override Task<FakeDataverse> StartFakeAsync() => FakeDataverse.StartAsync();

    protected override DestinationHarness<CrmDestination<DataverseProtocol>> Harness(Action<Dictionary<string, string?>>? settings = null) => DataverseHarness.Create(Fake, settings);

    protected override JsonObject RecordOf(string leadId) => Fake.Lead(NameBasedUuid.ForLead(leadId));

    protected override void AssertTheRestOfTheScriptLead(JsonObject record)
    {
        Assert.Equal("대한민국", Text(record, "address1_country"));
        Assert.Equal("AppSource: 콘토소 분석 — Contact me", Text(record, "subject"));
    }
}
