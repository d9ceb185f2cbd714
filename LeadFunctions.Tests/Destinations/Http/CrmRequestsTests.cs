using System.Text;
using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Tests.Destinations.Http;

public sealed class CrmRequestsTests
{
    [Fact]
    public async Task A_request_body_carries_every_script_as_utf8_characters_not_escapes()
    {
        var body = new JsonObject { ["lastname"] = "김", ["description"] = "محمد 王 🚀 e\u0301\n\"quoted\"" };

        using var request = CrmRequests.Json(HttpMethod.Patch, "leads(1)", body);

        var sent = Encoding.UTF8.GetString(await request.Content!.ReadAsByteArrayAsync());
        Assert.Equal("{\"lastname\":\"김\",\"description\":\"محمد 王 🚀 e\u0301\\n\\\"quoted\\\"\"}", sent);
        Assert.Equal("utf-8", request.Content.Headers.ContentType!.CharSet);
    }
}
