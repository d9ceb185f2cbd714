using System.Text.Json;
using System.Text.Json.Nodes;
using LeadFunctions.Destinations;
using LeadFunctions.Leads;

namespace LeadFunctions.Tests.Infrastructure;

/// <summary>Leads for the destination tests: read through the real <see cref="LeadReader"/>, so ids and fields are what delivery sees.</summary>
public static class TestLeads
{
    public static readonly DateTimeOffset ReceivedAt = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static LeadDelivery Delivery(string json, int attempt = 1)
    {
        using var document = JsonDocument.Parse(json);
        var read = LeadReader.Published.Read(document.RootElement);
        Assert.True(read.IsLead, string.Join("; ", read.Problems.Select(p => p.Message)));
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
