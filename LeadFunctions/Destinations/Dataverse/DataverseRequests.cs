using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>The requests this app sends to the Dataverse Web API, with the headers it requires (docs/dataverse.md).</summary>
public static class DataverseRequests
{
    /// <summary>
    /// Create-only upsert: <c>PATCH leads(id)</c> with <c>If-None-Match: *</c> creates the record (<c>204</c>) or,
    /// when a record with that id exists, changes nothing and answers <c>412</c>. Safe to send again.
    /// </summary>
    public static HttpRequestMessage CreateLead(Guid leadId, JsonObject record, bool suppressDuplicateDetection)
    {
        var request = CrmRequests.Json(HttpMethod.Patch, $"leads({leadId:D})", record);
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        if (!suppressDuplicateDetection) request.Headers.Add("MSCRM.SuppressDuplicateDetection", "false");
        return WithODataHeaders(request);
    }

    /// <summary><c>GET WhoAmI</c>: who the token is, and the server's <c>x-ms-dop-hint</c>.</summary>
    public static HttpRequestMessage WhoAmI() => WithODataHeaders(new HttpRequestMessage(HttpMethod.Get, "WhoAmI"));

    private static HttpRequestMessage WithODataHeaders(HttpRequestMessage request)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add("OData-MaxVersion", "4.0");
        request.Headers.Add("OData-Version", "4.0");
        return request;
    }
}
