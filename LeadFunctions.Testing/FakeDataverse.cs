using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace LeadFunctions.Testing;

/// <summary>
/// A loopback stand-in for the Dataverse Web API (<c>/api/data/v9.2/</c>) that is as strict as the real one about
/// what the app relies on: OData headers, bearer token (when <see cref="RequiredToken"/> is set), known lead columns
/// with their types and maximum lengths, <c>PATCH leads(id)</c> with <c>If-None-Match: *</c> (204 created, 412
/// exists), <c>WhoAmI</c>, and an affinity cookie the client must not send back. Faults are switched on per test:
/// a service-protection limit (429 + Retry-After), injected 503s, slow successes (committed, answered late),
/// an outage (connections dropped), or one answer for everything (e.g. 403). It keeps the records it created.
/// </summary>
public sealed partial class FakeDataverse : LoopbackFake
{
    public const string OrganizationId = "0a1b2c3d-0000-4000-8000-00000000f00d";
    public const string UserId = "0a1b2c3d-0000-4000-8000-0000000000a1";

    private FakeDataverse(int seed)
        : base(seed)
    {
        foreach (var (name, attribute) in StandardAttributes) Attributes[name] = attribute;
    }

    /// <summary>The lead records, by <c>leadid</c>.</summary>
    public ConcurrentDictionary<Guid, JsonObject> Leads { get; } = new();

    public override int RecordCount => Leads.Count;

    /// <summary>The lead table's columns; add one to simulate an admin creating a custom column.</summary>
    public ConcurrentDictionary<string, LeadAttribute> Attributes { get; } = new(StringComparer.Ordinal);

    // Behaviour, switchable while running.
    public string? RequiredToken { get; set; }

    public int? DopHint { get; set; }

    public static Task<FakeDataverse> StartAsync(int seed = 1234) => StartAsync(new FakeDataverse(seed));

    /// <summary>A custom text column, as an admin would create it.</summary>
    public void AddTextColumn(string name, int maxLength) => Attributes[name] = new LeadAttribute(AttributeType.Text, maxLength);

    public JsonObject Lead(Guid id) => Leads.TryGetValue(id, out var record) ? record : throw new KeyNotFoundException($"No lead {id}.");

    protected override async Task<int> AnswerAsync(HttpContext context, int concurrent)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["OData-Version"] = "4.0";
        response.Headers["REQ_ID"] = Guid.NewGuid().ToString();
        response.Headers.SetCookie = "ARRAffinity=" + Guid.NewGuid().ToString("N") + "; path=/; HttpOnly";
        if (DopHint is { } hint) response.Headers["x-ms-dop-hint"] = hint.ToString(CultureInfo.InvariantCulture);
        if (request.Headers.Cookie.Count > 0) Violations.Enqueue("The client sent a cookie back (the affinity cookie must be disabled).");

        var authorization = request.Headers.Authorization.ToString();
        if (RequiredToken is { } token && authorization != "Bearer " + token)
        {
            CountUnauthorized();
            response.Headers.WWWAuthenticate = "Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=" + Url;
            response.StatusCode = 401;
            return 401;
        }

        if (await FaultAsync(context, concurrent) is { } fault) return fault;

        if (!request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase)) return await ViolationAsync(response, "0x0", "Accept: application/json is missing.");
        if (request.Headers["OData-MaxVersion"] != "4.0") return await ViolationAsync(response, "0x0", "OData-MaxVersion: 4.0 is missing.");
        if (request.Headers["OData-Version"] != "4.0") return await ViolationAsync(response, "0x0", "OData-Version: 4.0 is missing.");

        var path = request.Path.Value ?? "";
        if (request.Method == "GET" && path == "/api/data/v9.2/WhoAmI")
        {
            response.ContentType = "application/json; odata.metadata=minimal";
            await response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["@odata.context"] = $"{Url}api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
                ["BusinessUnitId"] = "0a1b2c3d-0000-4000-8000-0000000000b0",
                ["UserId"] = UserId,
                ["OrganizationId"] = OrganizationId,
            }));
            return 200;
        }

        if (request.Method == "PATCH" && LeadPath().Match(path) is { Success: true } match)
        {
            return await UpsertAsync(context, Guid.Parse(match.Groups[1].Value));
        }

        return await ErrorAsync(response, 404, "0x8006088a", $"Resource not found for the segment '{path.Split('/').Last()}'.");
    }

    private async Task<int> UpsertAsync(HttpContext context, Guid id)
    {
        var request = context.Request;
        var response = context.Response;
        var contentType = request.ContentType ?? "";
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ||
            (contentType.Contains("charset", StringComparison.OrdinalIgnoreCase) && !contentType.Contains("charset=utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return await ViolationAsync(response, "0x0", $"Content-Type must be application/json; charset=utf-8 (was '{contentType}').");
        }

        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        var ifMatch = request.Headers.IfMatch.ToString();
        if (ifNoneMatch != "*") Violations.Enqueue($"PATCH leads({id}) without If-None-Match: * is an upsert that can overwrite a record.");

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null) return await BadRequestAsync(response, "0x0", "The request body is not a JSON object.");

        foreach (var (name, value) in body)
        {
            if (name == "leadid")
            {
                if (value?.GetValue<string>() is { } given && Guid.TryParse(given, out var bodyId) && bodyId == id) continue;
                return await BadRequestAsync(response, "0x0", "The leadid in the body does not match the key in the URL.");
            }

            if (!Attributes.TryGetValue(name, out var attribute))
            {
                return await BadRequestAsync(response, "0x80060888",
                    $"The property '{name}' does not exist on type 'Microsoft.Dynamics.CRM.lead'. Make sure to only use property names that are defined by the type.");
            }

            if (Validate(name, attribute, value) is { } problem) return await BadRequestAsync(response, problem.Code, problem.Message);
        }

        if (request.Headers["MSCRM.SuppressDuplicateDetection"] == "false" &&
            body["emailaddress1"]?.GetValue<string>() is { } email &&
            Leads.Values.Any(l => string.Equals(l["emailaddress1"]?.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase)))
        {
            return await ErrorAsync(response, 500, "0x80040333", "A record was not created or updated because a duplicate of the current record already exists.");
        }

        if (ifMatch == "*")
        {
            if (!Leads.ContainsKey(id)) return await ErrorAsync(response, 404, "0x80040217", $"lead With Id = {id} Does Not Exist");
            Leads[id] = body;
            response.StatusCode = 204;
            return 204;
        }

        if (!Leads.TryAdd(id, body))
        {
            if (ifNoneMatch == "*")
            {
                CountAlreadyExisted();
                return await ErrorAsync(response, 412, "0x80040237", "A record with matching key values already exists.");
            }

            Leads[id] = body;
        }
        else
        {
            CountCreate();
        }

        if (!await AnswerLateSometimesAsync(context)) return 0;

        response.Headers["OData-EntityId"] = $"{Url}api/data/v9.2/leads({id})";
        response.StatusCode = 204;
        return 204;
    }

    private static (string Code, string Message)? Validate(string name, LeadAttribute attribute, JsonNode? value)
    {
        if (value is null) return null;
        switch (attribute.Type)
        {
            case AttributeType.Text:
                if (value.GetValueKind() != JsonValueKind.String)
                {
                    return ("0x0", $"Cannot convert the literal '{value.ToJsonString()}' to the expected type 'Edm.String'.");
                }

                var text = value.GetValue<string>();
                return text.Length > attribute.MaxLength
                    ? ("0x80044331", $"A validation error occurred. The length of the '{name}' attribute of the 'lead' entity exceeded the maximum allowed length of '{attribute.MaxLength}'.")
                    : null;

            case AttributeType.Choice:
                if (value.GetValueKind() != JsonValueKind.Number || !value.AsValue().TryGetValue(out int option))
                {
                    return ("0x0", $"Cannot convert the literal '{(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString())}' to the expected type 'Edm.Int32'.");
                }

                return attribute.Options!.Contains(option)
                    ? null
                    : ("0x8004431a", $"A validation error occurred. The value {option} of '{name}' on record of type 'lead' is outside the valid range. Accepted Values: {string.Join(",", attribute.Options!)}");

            case AttributeType.Boolean:
                return value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? null
                    : ("0x0", $"Cannot convert the literal '{value.ToJsonString()}' to the expected type 'Edm.Boolean'.");

            default:
                return value.GetValueKind() == JsonValueKind.Number ? null : ("0x0", $"Cannot convert the literal '{value.ToJsonString()}' to the expected type 'Edm.Int32'.");
        }
    }

    protected override Task<int> ThrottleAsync(HttpResponse response, ServiceProtectionLimit? limit)
    {
        response.Headers.RetryAfter = (limit?.RetryAfterSeconds ?? 1).ToString(CultureInfo.InvariantCulture);
        return limit is null
            ? ErrorAsync(response, 429, "0x80072326", $"Number of concurrent requests exceeded the limit of {ConcurrencyLimit}.")
            : ErrorAsync(response, 429, "0x80072322", $"Number of requests exceeded the limit of {limit.Requests} over time window of {limit.Window.TotalSeconds:0} seconds.");
    }

    protected override Task<int> UnavailableAsync(HttpResponse response) => ErrorAsync(response, 503, "0x80040216", "The service is temporarily unavailable.");

    protected override async Task<int> ErrorAsync(HttpResponse response, int status, string code, string message)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; odata.metadata=minimal";
        await response.WriteAsync(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString());
        return status;
    }

    [GeneratedRegex("^/api/data/v9\\.2/leads\\(([0-9a-fA-F-]{36})\\)$")]
    private static partial Regex LeadPath();

    /// <summary>The lead table's standard columns this fake knows, with Dataverse's types and lengths.</summary>
    public static IReadOnlyDictionary<string, LeadAttribute> StandardAttributes { get; } = new Dictionary<string, LeadAttribute>
    {
        ["firstname"] = new(AttributeType.Text, 50),
        ["lastname"] = new(AttributeType.Text, 50),
        ["middlename"] = new(AttributeType.Text, 50),
        ["emailaddress1"] = new(AttributeType.Text, 100),
        ["emailaddress2"] = new(AttributeType.Text, 100),
        ["emailaddress3"] = new(AttributeType.Text, 100),
        ["telephone1"] = new(AttributeType.Text, 50),
        ["telephone2"] = new(AttributeType.Text, 50),
        ["telephone3"] = new(AttributeType.Text, 50),
        ["companyname"] = new(AttributeType.Text, 100),
        ["jobtitle"] = new(AttributeType.Text, 100),
        ["websiteurl"] = new(AttributeType.Text, 200),
        ["subject"] = new(AttributeType.Text, 300),
        ["description"] = new(AttributeType.Text, 2000),
        ["address1_line1"] = new(AttributeType.Text, 250),
        ["address1_city"] = new(AttributeType.Text, 80),
        ["address1_stateorprovince"] = new(AttributeType.Text, 50),
        ["address1_postalcode"] = new(AttributeType.Text, 20),
        ["address1_country"] = new(AttributeType.Text, 80),
        ["leadsourcecode"] = new(AttributeType.Choice, 0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        ["leadqualitycode"] = new(AttributeType.Choice, 0, [1, 2, 3]),
        ["donotemail"] = new(AttributeType.Boolean, 0),
        ["donotbulkemail"] = new(AttributeType.Boolean, 0),
        ["donotphone"] = new(AttributeType.Boolean, 0),
        ["donotfax"] = new(AttributeType.Boolean, 0),
        ["donotpostalmail"] = new(AttributeType.Boolean, 0),
        ["donotsendmm"] = new(AttributeType.Boolean, 0),
        ["numberofemployees"] = new(AttributeType.WholeNumber, 0),
    };
}

public enum AttributeType
{
    Text,
    Choice,
    Boolean,
    WholeNumber,
}

public sealed record LeadAttribute(AttributeType Type, int MaxLength, int[]? Options = null);

