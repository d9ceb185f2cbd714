using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Destinations;
using LeadFunctions.Leads;

namespace LeadFunctions.Testing;

/// <summary>Leads for the destination tests: read through the real <see cref="LeadReader"/>, so ids and fields are what delivery sees.</summary>
public static class TestLeads
{
    public static readonly DateTimeOffset ReceivedAt = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static LeadDelivery Delivery(string json, int attempt = 1)
    {
        using var document = JsonDocument.Parse(json);
        var read = LeadReader.Published.Read(document.RootElement);
        Assert.True(read.IsLead, string.Join("; ", read.Errors.Select(p => p.Message)));
        return new LeadDelivery(read.LeadId!, read.Lead!, ReceivedAt, attempt);
    }

    public static LeadDelivery Delivery(JsonObject lead) => Delivery(lead.ToJsonString());

    /// <summary>The queue message ReceiveLead would write for <paramref name="leadJson"/>.</summary>
    public static LeadEnvelope Envelope(string leadJson)
    {
        using var document = JsonDocument.Parse(leadJson);
        var read = LeadReader.Published.Read(document.RootElement);
        return new LeadEnvelope { LeadId = read.LeadId!, ReceivedAt = DateTimeOffset.UtcNow, Lead = document.RootElement.Clone() };
    }

    /// <summary>A "Contact me" lead from the Azure Marketplace with every user detail, distinct per <paramref name="n"/>.</summary>
    public static JsonObject ContactMe(int n, string offer = "Contoso Analytics") => new()
    {
        ["UserDetails"] = new JsonObject
        {
            ["FirstName"] = $"Ada{n}",
            ["LastName"] = $"Lovelace{n}",
            ["Email"] = $"ada{n}@contoso.example",
            ["Phone"] = $"+1 425 555 {n:0000}",
            ["Country"] = "United Kingdom",
            ["Company"] = $"Analytical Engines {n}",
            ["Title"] = "Chief Mathematician",
        },
        ["LeadSource"] = "AzureMarketplace",
        ["ActionCode"] = "PLT",
        ["OfferTitle"] = offer,
        ["Description"] = $"Please call me about lead {n}.",
    };

    /// <summary>An AppSource trial lead from a <c>.edu</c> customer: no personal details at all.</summary>
    public static JsonObject Education(int n) => new()
    {
        ["UserDetails"] = new JsonObject { ["Country"] = "US" },
        ["LeadSource"] = $"SPZA-INS|contoso.analytics{n}",
        ["ActionCode"] = "INS",
    };

    /// <summary>Names, companies and notes in the scripts customers write in: Korean, Arabic, Chinese, emoji, combining marks.</summary>
    public static TheoryData<string, string, string, string> Scripts => new()
    {
        { "민수", "김", "삼성전자", "연락 부탁드립니다. 감사합니다!" },
        { "محمد", "العربي", "شركة النور", "يرجى الاتصال بي" },
        { "小明", "王", "阿里巴巴", "请联系我" },
        { "Zoë 🚀", "O'Brien-Łukasz 👩‍💻", "Emoji 🇰🇷 Ltd", "Call me 📞🙏" },
        { "José", "Nguyễn", "Càfé Co", "Combining marks: äöü" },
    };

    /// <summary>A "Contact me" lead from a customer who writes <paramref name="first"/>, <paramref name="last"/>… in their own script.</summary>
    public static JsonObject InScript(string first, string last, string company, string description) => new()
    {
        ["UserDetails"] = new JsonObject
        {
            ["FirstName"] = first,
            ["LastName"] = last,
            ["Email"] = "customer@example.kr",
            ["Country"] = "대한민국",
            ["Company"] = company,
            ["Title"] = "과장",
        },
        ["LeadSource"] = "SPZA-PLT|contoso.analytics",
        ["ActionCode"] = "PLT",
        ["OfferTitle"] = "콘토소 분석",
        ["Description"] = description,
    };

    /// <summary>
    /// A lead whose customer asked not to be contacted: action <c>DNC</c> in <c>ActionCode</c>, or — when
    /// <paramref name="inLeadSource"/> — only in the lead source's action part (<c>SPZA-DNC|…</c>).
    /// </summary>
    public static JsonObject DoNotContact(int n, bool inLeadSource = false)
    {
        var lead = ContactMe(n);
        if (inLeadSource) lead.Remove("ActionCode");
        else lead["ActionCode"] = "DNC";
        lead["LeadSource"] = inLeadSource ? "SPZA-DNC|contoso.analytics" : "AppSource";
        return lead;
    }

    /// <summary>A lead whose description carries campaign information, from the offer <c>contoso.analytics</c>.</summary>
    public static JsonObject WithCampaign(int n)
    {
        var lead = ContactMe(n);
        lead["LeadSource"] = "AzureMarketplace-PLT|contoso.analytics";
        lead["Description"] = $"Campaigns: spring-webinar\nSaw it at https://azuremarketplace.microsoft.com/marketplace/apps/contoso.analytics?src=newsletter&mktcmpid=blogpost_{n}. Call me.";
        return lead;
    }

    /// <summary>A lead with no personal data at all (e.g. from a <c>.edu</c> domain): no name, e-mail, company or user details.</summary>
    public static JsonObject NoPersonalData(int n) => new()
    {
        ["LeadSource"] = $"SPZA-INS|contoso.analytics{n}",
        ["ActionCode"] = "INS",
        ["OfferTitle"] = "Contoso Analytics",
    };

    /// <summary>A lead whose every text is far longer than its column.</summary>
    public static JsonObject Oversized(int n) => new()
    {
        ["UserDetails"] = new JsonObject
        {
            ["FirstName"] = new string('F', 80) + n,
            ["LastName"] = new string('L', 80) + n,
            ["Email"] = new string('e', 150) + $"{n}@contoso.example",
            ["Phone"] = new string('5', 70),
            ["Country"] = new string('C', 120),
            ["Company"] = new string('K', 130),
            ["Title"] = new string('T', 130),
        },
        ["LeadSource"] = "AppSource",
        ["ActionCode"] = "StartTestDrive",
        ["OfferTitle"] = new string('O', 400),
        ["Description"] = string.Concat(Enumerable.Repeat($"Long description {n}. ", 300)),
    };
}
