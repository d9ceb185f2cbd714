using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using LeadFunctions.Destinations.AzureTable;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Tests.Destinations.AzureTable;

/// <summary>
/// What a lead means, read back from the stored <c>MarketplaceLeads</c> row as a person browsing the table sees it:
/// names in any script as characters, the do-not-contact, campaign and offer columns, a lead without personal data.
/// </summary>
public sealed class TableRowTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task A_Korean_named_lead_reads_in_the_stored_row_as_a_person_would_see_it()
    {
        var row = await StoredRowAsync(TestLeads.InScript("민수", "김", "삼성전자", "연락 부탁드립니다 🙏"));

        Assert.Equal(
            """{"FirstName":"민수","LastName":"김","Email":"customer@example.kr","Country":"대한민국","Company":"삼성전자","Title":"과장"}""",
            row.GetString("CustomerInfo"));
        Assert.Equal("콘토소 분석", row.GetString("OfferDisplayName"));
        Assert.Equal("연락 부탁드립니다 🙏", row.GetString("Description"));
    }

    [Theory]
    [MemberData(nameof(TestLeads.Scripts), MemberType = typeof(TestLeads))]
    public async Task CustomerInfo_keeps_every_script_as_characters_and_stays_valid_json(string first, string last, string company, string description)
    {
        var row = await StoredRowAsync(TestLeads.InScript(first, last, company, description));

        var customerInfo = row.GetString("CustomerInfo");
        Assert.DoesNotContain("\\u", customerInfo, StringComparison.Ordinal);
        Assert.Contains(first, customerInfo, StringComparison.Ordinal);
        Assert.Contains(last, customerInfo, StringComparison.Ordinal);
        using var details = JsonDocument.Parse(customerInfo);
        Assert.Equal(company, details.RootElement.GetProperty("Company").GetString());
        Assert.Equal(description, row.GetString("Description"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_do_not_contact_lead_has_DoNotContact_set(bool inLeadSource)
    {
        var row = await StoredRowAsync(TestLeads.DoNotContact(1, inLeadSource));

        Assert.True(row.GetBoolean("DoNotContact"));
    }

    [Fact]
    public async Task An_ordinary_lead_has_DoNotContact_false()
    {
        var row = await StoredRowAsync(TestLeads.ContactMe(1));

        Assert.False(row.GetBoolean("DoNotContact"));
    }

    [Fact]
    public async Task Campaign_offer_and_publisher_have_their_columns_and_the_description_stays_raw()
    {
        var lead = TestLeads.WithCampaign(9);

        var row = await StoredRowAsync(lead);

        Assert.Equal("spring-webinar, blogpost_9", row.GetString("Campaign"));
        Assert.Equal("analytics", row.GetString("OfferId"));
        Assert.Equal("contoso", row.GetString("PublisherId"));
        Assert.Equal(lead["Description"]!.GetValue<string>(), row.GetString("Description"));
    }

    [Fact]
    public async Task A_lead_without_any_personal_data_is_a_row_with_empty_CustomerInfo()
    {
        var row = await StoredRowAsync(TestLeads.NoPersonalData(1));

        Assert.Equal("{}", row.GetString("CustomerInfo"));
        Assert.Equal("SPZA-INS|contoso.analytics1", row.GetString("LeadSource"));
        Assert.Equal("contoso", row.GetString("PublisherId"));
        Assert.Null(row.GetString("Campaign"));
    }

    [Fact]
    public void CustomerInfo_too_long_for_a_table_column_is_cut_and_stays_valid_json()
    {
        var lead = TestLeads.InScript("민수", "김", "삼성전자", "-");
        ((JsonObject)lead["UserDetails"]!)["Notes"] = new string('가', 40_000) + "🚀";

        var customerInfo = AzureTableDestination.ToEntity(TestLeads.Delivery(lead)).GetString("CustomerInfo");

        Assert.True(customerInfo.Length <= AzureTableDestination.MaxStringLength, $"{customerInfo.Length} characters");
        using var details = JsonDocument.Parse(customerInfo);
        Assert.Equal("민수", details.RootElement.GetProperty("FirstName").GetString());
        Assert.EndsWith("가" + ColumnCut.CutMark, details.RootElement.GetProperty("Notes").GetString(), StringComparison.Ordinal);
    }

    private async Task<TableEntity> StoredRowAsync(JsonObject lead)
    {
        await using var app = await TestApp.StartAsync(azurite);
        var response = await app.PostLeadAsync(lead.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var leadId = (await response.JsonAsync()).GetProperty("leadId").GetString()!;
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1), "the lead never reached the table");
        return (await app.Table.GetEntityAsync<TableEntity>(leadId[..2], leadId)).Value;
    }
}
