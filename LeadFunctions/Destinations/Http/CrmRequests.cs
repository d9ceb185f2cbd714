using System.Net.Http.Headers;
using LeadFunctions.Leads;

namespace LeadFunctions.Destinations.Http;

public static class CrmRequests
{
    /// <summary>A request with a UTF-8 JSON body, text in any script as characters (<see cref="ReadableJson"/>).</summary>
    public static HttpRequestMessage Json(HttpMethod method, string path, JsonNode body)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(ReadableJson.Write(body))) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return request;
    }
}
