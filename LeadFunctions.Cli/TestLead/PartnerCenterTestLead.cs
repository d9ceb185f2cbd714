using System.Globalization;
using System.Text.Json.Nodes;

namespace LeadFunctions.Cli.TestLead;

/// <summary>
/// A lead shaped like the one Partner Center sends from its "Validate" button (camel-case names; every name field
/// <c>MSFT_TEST_&lt;digits&gt;</c>, email <c>MSFT_TEST_&lt;digits&gt;@test.com</c>), which the app recognises as a test lead.
/// The digits are the clock's ticks, as in Partner Center's own, so each one is a new lead.
/// </summary>
internal static class PartnerCenterTestLead
{
    public static (string Marker, string Json) Create(TimeProvider time, string offerTitle)
    {
        var marker = $"MSFT_TEST_{time.GetUtcNow().UtcTicks.ToString(CultureInfo.InvariantCulture)}";
        var lead = new JsonObject
        {
            ["userDetails"] = new JsonObject
            {
                ["firstName"] = marker,
                ["lastName"] = marker,
                ["email"] = $"{marker}@test.com",
                ["phone"] = "1234567890",
                ["country"] = "US",
                ["company"] = marker,
                ["title"] = marker,
            },
            ["leadSource"] = "AzureMarketplace",
            ["actionCode"] = "INS",
            ["offerTitle"] = offerTitle,
            ["description"] = marker,
        };
        return (marker, lead.ToJsonString());
    }
}
