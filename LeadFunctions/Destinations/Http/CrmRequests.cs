using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LeadFunctions.Destinations.Http;

public static class CrmRequests
{
    /// <summary>A request with a JSON body, <c>Content-Type: application/json; charset=utf-8</c>.</summary>
    public static HttpRequestMessage Json(HttpMethod method, string path, JsonNode body)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString())) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return request;
    }
}
