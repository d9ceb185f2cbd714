using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace LeadFunctions.Testing;

/// <summary>
/// A loopback stand-in for a Salesforce org (My Domain), as strict as the real one about what the app relies on:
/// the client credentials flow at <c>/services/oauth2/token</c> (a wrong id or secret is <c>invalid_client</c>), a
/// bearer token on every API call (<c>401 INVALID_SESSION_ID</c> otherwise, or after <see cref="ExpireTokens"/>), the
/// Lead fields with their types and lengths (checkboxes such as <c>DoNotCall</c> take only <c>true</c>/<c>false</c>), <c>LastName</c> and <c>Company</c> required, restricted picklists, e-mail
/// format, the sObject Rows by External ID resource (GET, PATCH upsert: 201 / 200 / 300 / 404), SOQL by a field,
/// <c>POST sobjects/Lead</c>, Unique fields (<c>DUPLICATE_VALUE</c>) and the error array
/// <c>[{"message","errorCode","fields"}]</c>. Its rate limit is the org's API limit: <c>403 REQUEST_LIMIT_EXCEEDED</c>.
/// </summary>
public sealed partial class FakeSalesforce : LoopbackFake
{
    public const string ClientId = "3MVG9-fake-consumer-key";
    public const string ClientSecret = "fake-consumer-secret";
    public const string ExternalIdField = "Marketplace_Lead_Id__c";
    public const string Version = "62.0";

    private static readonly string[] RequiredFields = ["LastName", "Company"];

    private readonly Lock _writing = new();
    private readonly ConcurrentDictionary<string, bool> _validTokens = new(StringComparer.Ordinal);
    private int _tokensIssued, _updates;

    private FakeSalesforce(int seed)
        : base(seed)
    {
        foreach (var (name, field) in StandardFields) Fields[name] = field;
        Fields[ExternalIdField] = new SalesforceField(SalesforceFieldType.Text, 64, ExternalId: true, Unique: true);
    }

    /// <summary>The Lead records by Salesforce id.</summary>
    public ConcurrentDictionary<string, JsonObject> Leads { get; } = new();

    public override int RecordCount => Leads.Count;

    /// <summary>The Lead object's fields by API name; remove or add one as an admin would.</summary>
    public ConcurrentDictionary<string, SalesforceField> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Upserts that matched an existing lead and changed it.</summary>
    public int Updates => Volatile.Read(ref _updates);

    public static Task<FakeSalesforce> StartAsync(int seed = 4321) => StartAsync(new FakeSalesforce(seed));

    /// <summary>Every token issued so far becomes invalid (the session timed out or was revoked).</summary>
    public void ExpireTokens() => _validTokens.Clear();

    /// <summary>The lead whose <paramref name="field"/> holds <paramref name="value"/> (exactly one).</summary>
    public JsonObject LeadWith(string field, string value) =>
        Assert.Single(Leads.Values, l => l[field]?.GetValue<string>() == value);

    protected override async Task<int> AnswerAsync(HttpContext context, int concurrent)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "";
        if (request.Method == "POST" && path == "/services/oauth2/token") return await TokenAsync(context);

        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_validTokens.ContainsKey(authorization[7..]))
        {
            CountUnauthorized();
            response.Headers.WWWAuthenticate = "Token";
            return await ErrorAsync(response, 401, "INVALID_SESSION_ID", "Session expired or invalid");
        }

        if (await FaultAsync(context, concurrent) is { } fault) return fault;

        var api = $"/services/data/v{Version}/";
        if (!path.StartsWith(api, StringComparison.Ordinal)) return await ErrorAsync(response, 404, "NOT_FOUND", "The requested resource does not exist");
        var resource = path[api.Length..].TrimEnd('/');

        if (request.Method == "GET" && resource == "sobjects/Lead")
        {
            return await JsonAsync(response, 200, new JsonObject { ["objectDescribe"] = new JsonObject { ["name"] = "Lead", ["createable"] = true }, ["recentItems"] = new JsonArray() });
        }

        if (request.Method == "GET" && resource == "query") return await QueryAsync(context);
        if (request.Method == "POST" && resource == "sobjects/Lead") return await CreateAsync(context);
        if (ByExternalId().Match(resource) is { Success: true } match)
        {
            var field = match.Groups[1].Value;
            var value = Uri.UnescapeDataString(match.Groups[2].Value);
            if (!Fields.TryGetValue(field, out var definition) || !definition.ExternalId)
            {
                return await ErrorAsync(response, 404, "NOT_FOUND", $"Provided external ID field does not exist or is not accessible: {field}");
            }

            if (request.Method == "GET") return await GetByExternalIdAsync(response, field, value);
            if (request.Method == "PATCH") return await UpsertAsync(context, field, value);
        }

        return await ErrorAsync(response, 404, "NOT_FOUND", "The requested resource does not exist");
    }

    protected override async Task<int> ErrorAsync(HttpResponse response, int status, string code, string message) =>
        await ErrorsAsync(response, status, code, message, []);

    protected override Task<int> ThrottleAsync(HttpResponse response, ServiceProtectionLimit? limit) =>
        ErrorAsync(response, 403, "REQUEST_LIMIT_EXCEEDED", limit is null ? "ConcurrentPerOrgLongTxn Limit exceeded." : "TotalRequests Limit exceeded.");

    protected override Task<int> UnavailableAsync(HttpResponse response) => ErrorAsync(response, 503, "SERVER_UNAVAILABLE", "Server temporarily unavailable.");

    private async Task<int> TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "client_credentials")
        {
            return await JsonAsync(context.Response, 400, new JsonObject { ["error"] = "unsupported_grant_type", ["error_description"] = "grant type not supported" });
        }

        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            return await JsonAsync(context.Response, 400, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "invalid client credentials" });
        }

        var token = $"00Dfake!{Interlocked.Increment(ref _tokensIssued)}.{Guid.NewGuid():N}";
        _validTokens[token] = true;
        return await JsonAsync(context.Response, 200, new JsonObject
        {
            ["access_token"] = token,
            ["signature"] = "c2lnbmF0dXJl",
            ["scope"] = "api",
            ["instance_url"] = Url.ToString().TrimEnd('/'),
            ["id"] = $"{Url}id/00Dfake/005fake",
            ["token_type"] = "Bearer",
            ["issued_at"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
    }

    private async Task<int> GetByExternalIdAsync(HttpResponse response, string field, string value)
    {
        var matches = Matching(field, value);
        return matches.Count switch
        {
            0 => await ErrorAsync(response, 404, "NOT_FOUND", "The requested resource does not exist"),
            1 => await FoundAsync(response, matches[0].Key),
            _ => await JsonAsync(response, 300, new JsonArray(matches.Select(m => (JsonNode)JsonValue.Create($"/services/data/v{Version}/sobjects/Lead/{m.Key}")).ToArray())),
        };
    }

    private async Task<int> FoundAsync(HttpResponse response, string id)
    {
        CountAlreadyExisted();
        return await JsonAsync(response, 200, new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Lead" }, ["Id"] = id });
    }

    private async Task<int> UpsertAsync(HttpContext context, string field, string value)
    {
        var (body, problem) = await ReadRecordAsync(context);
        if (problem is not null) return problem.Value;
        if (body!.ContainsKey(field)) Violations.Enqueue($"The upsert body repeats the external-id field {field}.");

        string id;
        bool created;
        (int Status, string Code, string Message, string[] Fields)? failure = null;
        lock (_writing)
        {
            var matches = Matching(field, value);
            created = matches.Count == 0;
            id = created ? NewId() : matches[0].Key;
            if (matches.Count > 1) failure = (300, "MULTIPLE_RECORDS", "More than one record found for external id field", []);
            else failure = Validate(body, creating: created);
            if (failure is null && created)
            {
                body[field] = value;
                Leads[id] = body;
                CountCreate();
            }
            else if (failure is null)
            {
                foreach (var (name, node) in body) matches[0].Value[name] = node?.DeepClone();
                Interlocked.Increment(ref _updates);
                CountAlreadyExisted();
            }
        }

        if (failure is { } error) return await FailAsync(context.Response, error);
        if (created && !await AnswerLateSometimesAsync(context)) return 0;
        return await JsonAsync(context.Response, created ? 201 : 200, new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray(), ["created"] = created });
    }

    private async Task<int> CreateAsync(HttpContext context)
    {
        var (body, problem) = await ReadRecordAsync(context);
        if (problem is not null) return problem.Value;

        var id = NewId();
        (int Status, string Code, string Message, string[] Fields)? failure;
        lock (_writing)
        {
            failure = Validate(body!, creating: true);
            foreach (var (name, _) in Fields.Where(f => f.Value.Unique && failure is null))
            {
                if (body![name]?.GetValue<string>() is { } value && Matching(name, value) is [var existing, ..])
                {
                    failure = (400, "DUPLICATE_VALUE", $"duplicate value found: {name} duplicates value on record with id: {existing.Key}", []);
                }
            }

            if (failure is null)
            {
                Leads[id] = body!;
                CountCreate();
            }
        }

        if (failure is { } error)
        {
            if (error.Code == "DUPLICATE_VALUE") CountAlreadyExisted();
            return await FailAsync(context.Response, error);
        }

        if (!await AnswerLateSometimesAsync(context)) return 0;
        return await JsonAsync(context.Response, 201, new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray() });
    }

    private async Task<int> QueryAsync(HttpContext context)
    {
        var soql = context.Request.Query["q"].ToString();
        if (Soql().Match(soql) is not { Success: true } match) return await ErrorAsync(context.Response, 400, "MALFORMED_QUERY", "unexpected token");
        var field = match.Groups[1].Value;
        if (!Fields.ContainsKey(field)) return await ErrorAsync(context.Response, 400, "INVALID_FIELD", $"No such column '{field}' on entity 'Lead'.");
        var value = match.Groups[2].Value.Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        var records = Matching(field, value).Take(int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture))
            .Select(m => (JsonNode)new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Lead" }, ["Id"] = m.Key }).ToArray();
        return await JsonAsync(context.Response, 200, new JsonObject { ["totalSize"] = records.Length, ["done"] = true, ["records"] = new JsonArray(records) });
    }

    private async Task<(JsonObject? Body, int? Problem)> ReadRecordAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, await ViolationAsync(context.Response, "UNSUPPORTED_MEDIA_TYPE", $"Content-Type must be application/json (was '{context.Request.ContentType}')."));
        }

        try
        {
            if (await JsonNode.ParseAsync(context.Request.Body) is JsonObject body) return (body, null);
        }
        catch (JsonException)
        {
        }

        return (null, await BadRequestAsync(context.Response, "JSON_PARSER_ERROR", "The request body is not a JSON object."));
    }

    private (int Status, string Code, string Message, string[] Fields)? Validate(JsonObject body, bool creating)
    {
        foreach (var (name, value) in body)
        {
            if (!Fields.TryGetValue(name, out var field)) return (400, "INVALID_FIELD", $"No such column '{name}' on sobject of type Lead", []);
            if (value is null) continue;
            if (field.Type == SalesforceFieldType.Checkbox)
            {
                if (value.GetValueKind() is JsonValueKind.True or JsonValueKind.False) continue;
                return (400, "INVALID_TYPE_ON_FIELD_IN_RECORD", $"{name}: value not of required type: {value.ToJsonString()}", [name]);
            }

            if (value.GetValueKind() != JsonValueKind.String) return (400, "INVALID_TYPE_ON_FIELD_IN_RECORD", $"{name}: value not of required type: {value.ToJsonString()}", [name]);
            var text = value.GetValue<string>();
            if (text.Length > field.MaxLength) return (400, "STRING_TOO_LONG", $"{name}: data value too large: {text} (max length={field.MaxLength})", [name]);
            if (field.Type == SalesforceFieldType.Email && !IsEmailAddress(text)) return (400, "INVALID_EMAIL_ADDRESS", $"Email: invalid email address: {text}", [name]);
            if (field.Type == SalesforceFieldType.Picklist && !field.Values!.Contains(text))
            {
                return (400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", $"{name}: bad value for restricted picklist field: {text}", [name]);
            }
        }

        if (!creating) return null;
        var missing = RequiredFields.Where(f => string.IsNullOrWhiteSpace(body[f]?.GetValue<string>())).ToArray();
        return missing.Length > 0 ? (400, "REQUIRED_FIELD_MISSING", $"Required fields are missing: [{string.Join(", ", missing)}]", missing) : null;
    }

    private async Task<int> FailAsync(HttpResponse response, (int Status, string Code, string Message, string[] Fields) error)
    {
        if (error.Status == 400) CountBadRequest();
        return await ErrorsAsync(response, error.Status, error.Code, error.Message, error.Fields);
    }

    private List<KeyValuePair<string, JsonObject>> Matching(string field, string value) =>
        Leads.Where(l => string.Equals(l.Value[field]?.GetValue<string>(), value, StringComparison.Ordinal)).ToList();

    private static string NewId() => "00Q" + Guid.NewGuid().ToString("N")[..15];

    private static async Task<int> ErrorsAsync(HttpResponse response, int status, string code, string message, string[] fields) =>
        await JsonAsync(response, status, new JsonArray(new JsonObject
        {
            ["message"] = message,
            ["errorCode"] = code,
            ["fields"] = new JsonArray(fields.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
        }));


    [GeneratedRegex("^sobjects/Lead/([A-Za-z][A-Za-z0-9_]*)/([^/]+)$")]
    private static partial Regex ByExternalId();

    [GeneratedRegex(@"^SELECT Id FROM Lead WHERE ([A-Za-z][A-Za-z0-9_]*) = '((?:[^'\\]|\\.)*)' LIMIT (\d+)$")]
    private static partial Regex Soql();


    /// <summary>The Lead fields this fake knows, with Salesforce's types and lengths.</summary>
    public static IReadOnlyDictionary<string, SalesforceField> StandardFields { get; } = new Dictionary<string, SalesforceField>
    {
        ["FirstName"] = new(SalesforceFieldType.Text, 40),
        ["MiddleName"] = new(SalesforceFieldType.Text, 40),
        ["LastName"] = new(SalesforceFieldType.Text, 80),
        ["Title"] = new(SalesforceFieldType.Text, 128),
        ["Company"] = new(SalesforceFieldType.Text, 255),
        ["Email"] = new(SalesforceFieldType.Email, 80),
        ["Phone"] = new(SalesforceFieldType.Text, 40),
        ["MobilePhone"] = new(SalesforceFieldType.Text, 40),
        ["Website"] = new(SalesforceFieldType.Text, 255),
        ["City"] = new(SalesforceFieldType.Text, 40),
        ["State"] = new(SalesforceFieldType.Text, 80),
        ["PostalCode"] = new(SalesforceFieldType.Text, 20),
        ["Country"] = new(SalesforceFieldType.Text, 80),
        ["Description"] = new(SalesforceFieldType.Text, 32000),
        ["LeadSource"] = new(SalesforceFieldType.Picklist, 255, Values: ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]),
        ["Status"] = new(SalesforceFieldType.Picklist, 255, Values: ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"]),
        ["HasOptedOutOfEmail"] = new(SalesforceFieldType.Checkbox, 0),
        ["DoNotCall"] = new(SalesforceFieldType.Checkbox, 0),
        ["HasOptedOutOfFax"] = new(SalesforceFieldType.Checkbox, 0),
    };
}

public enum SalesforceFieldType
{
    Text,
    Email,
    Picklist,
    Checkbox,
}

public sealed record SalesforceField(SalesforceFieldType Type, int MaxLength, bool ExternalId = false, bool Unique = false, string[]? Values = null);
