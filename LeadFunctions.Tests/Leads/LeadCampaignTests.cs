using CsCheck;
using LeadFunctions.Leads;

namespace LeadFunctions.Tests.Leads;

/// <summary>Campaign codes and parameters parsed from a lead's Description: what is recognisable, and nothing is ever rejected.</summary>
public sealed class LeadCampaignTests
{
    private static readonly Gen<string> Code = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"], 1, 16];

    /// <summary>Free text a customer might write: any characters, new lines, URLs without a query, words like "campaign".</summary>
    private static readonly Gen<string> Noise = Gen.OneOf(
            Gen.String[0, 20], Gen.Const("\n"), Gen.Const("\r\n"), Gen.Const(" campaign "), Gen.Const("Campaigns"), Gen.Const("https://contoso.example/page"),
            Gen.Const("김민수 🚀"), Gen.Const("=&?"), Gen.Const("%E0%A4%A"), Gen.Const("http://"), Gen.Const("mktcmpid"))
        .Array[0, 6].Select(parts => string.Concat(parts).Replace("?", "", StringComparison.Ordinal).Replace("campaigns", "", StringComparison.OrdinalIgnoreCase)
            .Replace("campaign", "", StringComparison.OrdinalIgnoreCase).Replace("http", "", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void A_marketplace_url_gives_its_campaign_parameters()
    {
        var campaign = LeadCampaign.Parse("Found you via https://appsource.microsoft.com/product/dynamics-365/mscrm.contoso?src=website&mktcmpid=blogpost_12.");

        Assert.Equal(["blogpost_12"], campaign.Codes);
        Assert.Equal("blogpost_12", campaign.Parameter("mktcmpid"));
        Assert.Equal("website", campaign.Parameter("SRC"));
    }

    [Fact]
    public void A_campaigns_line_gives_its_codes_and_named_values()
    {
        var campaign = LeadCampaign.Parse("Please call me.\nCampaigns: spring-webinar, utm_campaign=partner_q3; utm_source = linkedin\nThanks");

        Assert.Equal(["spring-webinar", "partner_q3"], campaign.Codes);
        Assert.Equal("linkedin", campaign.Parameter("utm_source"));
        Assert.Equal("spring-webinar, partner_q3", campaign.CodesText);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Campaigns: ")]
    [InlineData("Campaigns:,,;|")]
    [InlineData("MSFT_TEST_636573304831318844")]
    [InlineData("https://appsource.microsoft.com/product?")]
    [InlineData("see https://%zz?&=&&mktcmpid=")]
    public void Nothing_recognisable_gives_no_campaign(string description) => Assert.Same(LeadCampaign.None, LeadCampaign.Parse(description));

    [Fact]
    public void The_mapping_fields_read_the_campaign_while_the_description_stays_raw()
    {
        const string description = "Campaigns: launch\nhttps://azuremarketplace.microsoft.com/marketplace/apps/contoso.analytics?mktcmpid=ads_7&src=bing";
        var lead = TestLeads.Delivery($$"""{"OfferTitle":"Contoso","Description":{{System.Text.Json.JsonSerializer.Serialize(description)}}}""").Lead;

        Assert.Equal(description, lead.Description);
        Assert.Equal(description, lead.Field("Description"));
        Assert.Equal("launch, ads_7", lead.Field("Campaign"));
        Assert.Equal("ads_7", lead.Field("Campaign.mktcmpid"));
        Assert.Equal("bing", lead.Field("campaign.SRC"));
        Assert.Null(lead.Field("Campaign.utm_source"));
    }

    [Fact]
    public void Any_text_is_parsed_without_throwing_and_every_value_comes_from_the_text()
    {
        Gen.OneOf(Gen.String[0, 200], Noise, Gen.Select(Noise, Code, Noise).Select((a, c, b) => $"{a}Campaigns: {c}{b}")).Sample(text =>
        {
            var campaign = LeadCampaign.Parse(text);
            var decoded = Uri.UnescapeDataString(text.Replace('+', ' '));
            bool InText(string value) => text.Contains(value, StringComparison.Ordinal) || decoded.Contains(value, StringComparison.Ordinal);
            foreach (var code in campaign.Codes) Assert.True(InText(code), $"code '{code}' is not in '{text}'");
            foreach (var (name, value) in campaign.Parameters) Assert.True(InText(name) && InText(value), $"'{name}={value}' is not in '{text}'");
        }, iter: 5_000);
    }

    [Fact]
    public void A_campaign_code_in_a_url_or_a_campaigns_line_is_found_whatever_text_surrounds_it()
    {
        Gen.Select(Noise, Code, Code, Noise, Gen.Bool).Sample((before, code, source, after, asLine) =>
        {
            var description = asLine
                ? $"{before}\nCampaigns: {code}, src={source}\n{after}"
                : $"{before} https://appsource.microsoft.com/product/office/WA102957661?src={source}&mktcmpid={code} {after}";

            var campaign = LeadCampaign.Parse(description);

            Assert.Contains(code, campaign.Codes);
            Assert.Equal(code, campaign.Codes[0]);
            Assert.Equal(source, campaign.Parameter("src"));
            if (!asLine) Assert.Equal(code, campaign.Parameter("mktcmpid"));
        }, iter: 5_000);
    }

    [Fact]
    public void A_lead_with_any_description_is_read_and_keeps_it_raw()
    {
        Gen.OneOf(Gen.String[0, 300], Noise).Sample(description =>
        {
            var json = new System.Text.Json.Nodes.JsonObject { ["OfferTitle"] = "Contoso", ["Description"] = description }.ToJsonString();
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var read = LeadReader.Published.Read(document.RootElement);
            if (read.Lead is null) return; // not Unicode text: refused at intake, never parsed
            Assert.Equal(description, read.Lead.Description);
            _ = read.Lead.Field("Campaign");
            _ = read.Lead.Field("Campaign.mktcmpid");
        }, iter: 2_000);
    }
}
