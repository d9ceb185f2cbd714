using System.Text.Json;
using LeadFunctions.Leads;

namespace LeadFunctions.Tests.Leads;

public sealed class LeadReaderTests
{
    private static LeadReadResult Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return LeadReader.Published.Read(document.RootElement);
    }

    [Fact]
    public void Documented_sample_is_read_with_every_field()
    {
        var result = Read(RepoPaths.Sample("documented-sample-lead.json"));

        var lead = Assert.IsType<Lead>(result.Lead);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Notes);
        Assert.Equal("INS", lead.ActionCode);
        Assert.Equal("Test Microsoft", lead.OfferTitle);
        Assert.Equal("AzureMarketplace", lead.Source.Source);
        Assert.Equal("Test run through Power Automate", lead.Description);
        Assert.Equal(new CustomerDetails("Some", "One", "someone@contoso.com", "16175555555", "USA", "Contoso", "Esquire"), lead.Customer);
        Assert.False(lead.IsTestLead);
        Assert.Matches("^[0-9a-f]{32}$", result.LeadId);
    }

    [Fact]
    public void Test_lead_with_camel_case_names_is_read_and_recognised_as_a_test_lead()
    {
        var result = Read(RepoPaths.Sample("test-lead-lowercase.json"));

        var lead = Assert.IsType<Lead>(result.Lead);
        Assert.Equal("MSFT_TEST_636573304831318844@test.com", lead.Customer.Email);
        Assert.Equal("Contoso Test", lead.OfferTitle);
        Assert.True(lead.IsTestLead);
        Assert.True(lead.Canonical.ContainsKey("UserDetails"), "names are stored in the schema's spelling");
    }

    [Fact]
    public void Lead_with_phone_as_number_is_accepted_and_coerced()
    {
        var result = Read("""{"UserDetails":{"Phone":16175555555,"Email":"a@b.c"},"ActionCode":true}""");

        Assert.Equal("16175555555", result.Lead!.Customer.Phone);
        Assert.Equal("true", result.Lead.ActionCode);
        Assert.Contains(result.Notes, n => n.Path == "$.UserDetails.Phone" && n.Message.Contains("coerced", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Path == "$.ActionCode");
    }

    [Fact]
    public void Nulls_are_absent_and_unknown_properties_are_kept()
    {
        var result = Read("""{"OfferTitle":"Contoso","Description":null,"UserDetails":{"Email":null,"Linkedin":"x"},"OfferId":"contoso.analytics"}""");

        var lead = result.Lead!;
        Assert.Null(lead.Description);
        Assert.Null(lead.Customer.Email);
        Assert.False(lead.Canonical.ContainsKey("Description"));
        Assert.Equal("contoso.analytics", lead.Field("OfferId"));
        Assert.Equal("x", lead.Field("userdetails.linkedin"));
        Assert.Equal(2, result.Notes.Count(n => n.Message.Contains("null", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_name_repeated_inside_an_unknown_value_is_noted_and_the_last_one_kept_even_in_details_sent_twice()
    {
        var result = Read("""{"OfferTitle":"Contoso","UserDetails":{"Extra":{"tag":"a","tag":"b"}},"userDetails":{"Extra":{"tag":"c","tag":"d"}}}""");

        Assert.Equal("d", result.Lead!.Field("UserDetails.Extra.tag"));
        Assert.Equal(
            [
                new LeadFinding("$.UserDetails.Extra.tag", "appears more than once; the last one is used."),
                new LeadFinding("$.UserDetails.Extra.tag", "appears more than once; the last one is used."),
                new LeadFinding("$.UserDetails", "appears more than once (names match case-insensitively); the last one is used."),
            ],
            result.Notes);
    }

    [Theory]
    [InlineData("김민준", "이", "서울")]
    [InlineData("محمد", "العربي", "القاهرة")]
    [InlineData("Zoë 🚀", "O'Brien-Łukasz", "São Paulo")]
    public void Unicode_names_are_kept_exactly(string first, string last, string company)
    {
        var json = JsonSerializer.Serialize(new { UserDetails = new { FirstName = first, LastName = last, Company = company } });

        var lead = Read(json).Lead!;

        Assert.Equal(first, lead.Customer.FirstName);
        Assert.Equal(last, lead.Customer.LastName);
        Assert.Equal(company, lead.Customer.Company);
    }

    [Theory]
    [InlineData("{}", "$", "No lead content")]
    [InlineData("""{"Unrelated":"x"}""", "$", "No lead content")]
    [InlineData("""{"UserDetails":{}}""", "$", "No lead content")]
    [InlineData("[]", "$", "must be a JSON object")]
    [InlineData("\"lead\"", "$", "must be a JSON object")]
    [InlineData("42", "$", "must be a JSON object")]
    [InlineData("""{"UserDetails":"Some One"}""", "$.UserDetails", "should be \"object\"")]
    [InlineData("""{"UserDetails":{"Email":["a@b.c"]}}""", "$.UserDetails.Email", "should be \"string\"")]
    [InlineData("""{"OfferTitle":{"name":"x"}}""", "$.OfferTitle", "should be \"string\"")]
    public void What_is_not_a_lead_is_rejected_with_the_path_of_each_problem(string json, string path, string message)
    {
        var result = Read(json);

        Assert.Null(result.Lead);
        Assert.Null(result.LeadId);
        Assert.Contains(result.Errors, p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_listed_not_just_the_first()
    {
        var result = Read("""{"OfferTitle":[1],"UserDetails":{"Email":{},"Phone":[]}}""");

        Assert.Equal(["$.OfferTitle", "$.UserDetails.Email", "$.UserDetails.Phone"], result.Errors.Select(p => p.Path).Order());
    }

    [Fact]
    public void Lead_id_is_the_same_for_the_same_lead_whatever_the_order_spacing_or_casing_of_names()
    {
        var a = Read("""{"OfferTitle":"X","UserDetails":{"Email":"a@b.c","Phone":"1"}}""").LeadId;
        var b = Read("""{ "userDetails" : { "phone": 1, "email": "a@b.c" }, "offerTitle": "X", "Description": null }""").LeadId;

        Assert.Equal(a, b);
    }

    [Fact]
    public void Lead_id_differs_when_any_value_differs()
    {
        var install = Read("""{"ActionCode":"INS","UserDetails":{"Email":"a@b.c"}}""").LeadId;
        var contact = Read("""{"ActionCode":"PLT","UserDetails":{"Email":"a@b.c"}}""").LeadId;
        var otherCase = Read("""{"ActionCode":"INS","UserDetails":{"Email":"A@b.c"}}""").LeadId;

        Assert.NotEqual(install, contact);
        Assert.NotEqual(install, otherCase);
    }

    [Fact]
    public void Edu_lead_without_personal_details_is_a_lead()
    {
        var result = Read("""{"ActionCode":"INS","LeadSource":"AppSource","OfferTitle":"Contoso","UserDetails":{}}""");

        Assert.NotNull(result.Lead);
        Assert.Null(result.Lead.Customer.LastName);
    }

    [Theory]
    [InlineData("AzureMarketplace", "AzureMarketplace", null, null, "Azure Marketplace")]
    [InlineData("SPZA-PLT|contoso.analytics", "SPZA", "PLT", "contoso.analytics", "AppSource")]
    [InlineData("AzurePortal-Create|Contoso Analytics Suite", "AzurePortal", "Create", "Contoso Analytics Suite", "Azure portal")]
    [InlineData("TestDrive", "TestDrive", null, null, "Test Drive")]
    [InlineData("AMP-INS|", "AMP", "INS", null, "Azure Marketplace")]
    [InlineData("Something-New", "Something", "New", null, "Something")]
    public void Lead_source_is_parsed_in_both_forms_and_the_raw_string_kept(string raw, string source, string? action, string? offer, string marketplace)
    {
        var parsed = LeadSource.Parse(raw);

        Assert.Equal(new LeadSource(raw, source, action, offer), parsed);
        Assert.Equal(marketplace, parsed.Marketplace);
    }

    [Theory]
    [InlineData("MSFT_TEST_1", "MSFT_TEST_1", "someone@contoso.com", true)]
    [InlineData("Some", "One", "msft_test_636573304831318844@test.com", true)]
    [InlineData("MSFT_TEST_1", "One", "someone@contoso.com", false)]
    [InlineData("MSFT_TEST_x", "MSFT_TEST_x", "MSFT_TEST_x@test.com", false)]
    public void Test_leads_are_recognised_by_Partner_Centers_markers(string first, string last, string email, bool isTest)
    {
        var json = JsonSerializer.Serialize(new { UserDetails = new { FirstName = first, LastName = last, Email = email } });

        Assert.Equal(isTest, Read(json).Lead!.IsTestLead);
    }

    [Theory]
    [InlineData("PLT", "Contact me")]
    [InlineData("ins", "Install")]
    [InlineData("StartTestDrive", "Start test drive")]
    [InlineData("NEWCODE", "NEWCODE")]
    public void Action_codes_are_described_and_unknown_codes_kept(string code, string described)
    {
        Assert.Equal(described, LeadActions.Describe(code));
    }
}
