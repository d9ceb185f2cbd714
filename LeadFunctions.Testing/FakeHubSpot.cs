using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LeadFunctions.Testing;

/// <summary>
/// A loopback stand-in for HubSpot's CRM v3 contacts API, as strict as the real one about what the app relies on: the
/// private app's bearer token (<c>401 INVALID_AUTHENTICATION</c>), known contact properties (<c>PROPERTY_DOESNT_EXIST</c>),
/// 65,536 characters per value, e-mail format, unique properties, e-mail addresses unique per contact (<c>409</c>
/// "Contact already exists. Existing ID: …"), reads by a unique property (<c>idProperty</c>), batch upsert by one
/// (<c>new: true/false</c>), <c>PATCH</c> of a contact, and its rate limit: the <c>X-HubSpot-RateLimit-*</c> headers on
/// every answer and <c>429</c> with <c>policyName</c> (no <c>Retry-After</c>) — or the daily limit. Also the
/// do-not-contact part: the custom checkbox property <c>marketplace_do_not_contact</c> ("true"/"false" only), the
/// read-only <c>hs_email_optout</c> (<c>READ_ONLY_VALUE</c> when written), and the communication preferences API's
/// <c>POST /communication-preferences/v4/statuses/{email}/unsubscribe-all?channel=EMAIL</c>, which needs the private
/// app's scope <c>communication_preferences.write</c> (<c>403 MISSING_SCOPES</c> without it) and sets that address's
/// <c>hs_email_optout</c>.
/// </summary>
public sealed class FakeHubSpot : LoopbackFake
{
    public const string AccessToken = "pat-na1-fake-private-app-token";
    public const string LeadIdProperty = "marketplace_lead_id";
    public const int MaxLength = 65_536;
    public const string DoNotContactProperty = "marketplace_do_not_contact";
    public const string OptOutScope = "communication_preferences.write";

    private readonly Lock _writing = new();
    private long _nextId = 1000;
    private int _updates;

    private FakeHubSpot(int seed)
        : base(seed)
    {
        foreach (var name in StandardProperties) Properties[name] = false;
        foreach (var name in ReadOnlyProperties) Properties[name] = false;
        Properties[LeadIdProperty] = true;
        Properties[DoNotContactProperty] = false;
    }

    /// <summary>The private app's scopes; remove one as an admin would.</summary>
    public ConcurrentDictionary<string, bool> Scopes { get; } = new(new Dictionary<string, bool>
    {
        ["crm.objects.contacts.read"] = true, ["crm.objects.contacts.write"] = true, [OptOutScope] = true,
    });

    /// <summary>E-mail addresses unsubscribed from all e-mail ("Opted out of all email").</summary>
    public ConcurrentDictionary<string, bool> OptedOut { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Contacts by HubSpot id.</summary>
    public ConcurrentDictionary<string, JsonObject> Contacts { get; } = new();

    public override int RecordCount => Contacts.Count;

    /// <summary>Contact properties by internal name, and whether each requires unique values.</summary>
    public ConcurrentDictionary<string, bool> Properties { get; } = new(StringComparer.Ordinal);

    /// <summary>The account's daily limit is used up: every request gets 429 with policy DAILY.</summary>
    public bool DailyLimitExhausted { get; set; }

    public int Updates => Volatile.Read(ref _updates);

    public static Task<FakeHubSpot> StartAsync(int seed = 2718) => StartAsync(new FakeHubSpot(seed));

    public JsonObject ContactWith(string property, string value) =>
        Assert.Single(Contacts.Values, c => c[property]?.GetValue<string>() == value);

    /// <summary>A contact as someone created it in HubSpot, e.g. the customer of an earlier lead.</summary>
    public string AddContact(JsonObject properties)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        Contacts[id] = properties;
        return id;
    }

    protected override async Task<int> AnswerAsync(HttpContext context, int concurrent)
    {
        var request = context.Request;
        var response = context.Response;
        if (request.Headers.Authorization.ToString() != "Bearer " + AccessToken)
        {
            CountUnauthorized();
            return await ErrorAsync(response, 401, "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
        }

        if (DailyLimitExhausted) return await RateLimitedAsync(response, "DAILY", "You have reached your daily limit.");
        if (await FaultAsync(context, concurrent) is { } fault) return fault;
        SetRateLimitHeaders(response);

        var path = request.Path.Value ?? "";
        const string contacts = "/crm/v3/objects/contacts";
        if (request.Method == "GET" && path == contacts) return await JsonAsync(response, 200, new JsonObject { ["results"] = new JsonArray() });
        if (request.Method == "POST" && path == contacts + "/batch/upsert") return await UpsertAsync(context);
        if (request.Method == "POST" && path == contacts) return await CreateAsync(context);
        if (path.StartsWith(contacts + "/", StringComparison.Ordinal))
        {
            var id = Uri.UnescapeDataString(path[(contacts.Length + 1)..]);
            if (request.Method == "GET") return await ReadAsync(context, id);
            if (request.Method == "PATCH") return await UpdateAsync(context, id);
        }

        const string unsubscribeAll = "/unsubscribe-all";
        const string statuses = "/communication-preferences/v4/statuses/";
        if (request.Method == "POST" && path.StartsWith(statuses, StringComparison.Ordinal) && path.EndsWith(unsubscribeAll, StringComparison.Ordinal))
        {
            return await UnsubscribeAllAsync(context, Uri.UnescapeDataString(path[statuses.Length..^unsubscribeAll.Length]));
        }

        return await ErrorAsync(response, 404, "OBJECT_NOT_FOUND", "resource not found");
    }

    private async Task<int> UnsubscribeAllAsync(HttpContext context, string email)
    {
        if (!Scopes.ContainsKey(OptOutScope))
        {
            return await JsonAsync(context.Response, 403, new JsonObject
            {
                ["status"] = "error",
                ["message"] = "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
                ["correlationId"] = Guid.NewGuid().ToString(),
                ["errors"] = new JsonArray(new JsonObject
                {
                    ["message"] = "One or more of the following scopes are required.",
                    ["context"] = new JsonObject { ["requiredGranularScopes"] = new JsonArray(OptOutScope) },
                }),
                ["category"] = "MISSING_SCOPES",
            });
        }

        if (context.Request.Query["channel"] != "EMAIL") return await ViolationAsync(context.Response, "VALIDATION_ERROR", "channel=EMAIL is required.");
        if (!IsEmailAddress(email)) return await BadRequestAsync(context.Response, "VALIDATION_ERROR", $"Invalid email address {email}");

        lock (_writing)
        {
            OptedOut[email] = true;
            foreach (var contact in Contacts.Values.Where(c => string.Equals(c["email"]?.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase)))
            {
                contact["hs_email_optout"] = "true";
            }
        }

        return await JsonAsync(context.Response, 200, new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = new JsonArray(),
            ["startedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["completedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        });
    }

    protected override async Task<int> ErrorAsync(HttpResponse response, int status, string code, string message) =>
        await JsonAsync(response, status, new JsonObject
        {
            ["status"] = "error",
            ["message"] = message,
            ["correlationId"] = Guid.NewGuid().ToString(),
            ["category"] = code,
        });

    protected override Task<int> ThrottleAsync(HttpResponse response, ServiceProtectionLimit? limit)
    {
        SetRateLimitHeaders(response);
        return RateLimitedAsync(response, limit is null ? "SECONDLY" : "TEN_SECONDLY_ROLLING",
            limit is null ? "You have reached your secondly limit." : "You have reached your ten_secondly_rolling limit.");
    }

    protected override Task<int> UnavailableAsync(HttpResponse response) => ErrorAsync(response, 502, "BAD_GATEWAY", "Bad gateway: the service is temporarily unavailable.");

    private static async Task<int> RateLimitedAsync(HttpResponse response, string policy, string message) =>
        await JsonAsync(response, 429, new JsonObject
        {
            ["status"] = "error",
            ["message"] = message,
            ["errorType"] = "RATE_LIMIT",
            ["correlationId"] = Guid.NewGuid().ToString(),
            ["policyName"] = policy,
        });

    private void SetRateLimitHeaders(HttpResponse response)
    {
        var limit = Limit;
        response.Headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = ((int)(limit?.Window.TotalMilliseconds ?? 10_000)).ToString(CultureInfo.InvariantCulture);
        response.Headers["X-HubSpot-RateLimit-Max"] = (limit?.Requests ?? 190).ToString(CultureInfo.InvariantCulture);
        response.Headers["X-HubSpot-RateLimit-Remaining"] = (limit is null ? 189 : RemainingIn(limit)).ToString(CultureInfo.InvariantCulture);
        response.Headers["X-HubSpot-RateLimit-Daily"] = "500000";
        response.Headers["X-HubSpot-RateLimit-Daily-Remaining"] = "499000";
    }

    private async Task<int> ReadAsync(HttpContext context, string id)
    {
        var idProperty = context.Request.Query["idProperty"].ToString();
        if (idProperty.Length > 0 && !(Properties.TryGetValue(idProperty, out var unique) && unique))
        {
            return await BadRequestAsync(context.Response, "VALIDATION_ERROR", $"Property {idProperty} is not a unique identifier property.");
        }

        var found = idProperty.Length == 0
            ? Contacts.TryGetValue(id, out var contact) ? new KeyValuePair<string, JsonObject>(id, contact) : default
            : Contacts.FirstOrDefault(c => c.Value[idProperty]?.GetValue<string>() == id);
        if (found.Value is null) return await ErrorAsync(context.Response, 404, "OBJECT_NOT_FOUND", "resource not found");
        CountAlreadyExisted();
        return await JsonAsync(context.Response, 200, Record(found.Key, found.Value, isNew: null));
    }

    private async Task<int> UpsertAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        if (body?["inputs"] is not JsonArray { Count: 1 } inputs || inputs[0] is not JsonObject input ||
            input["idProperty"]?.GetValue<string>() is not { } idProperty || input["id"]?.GetValue<string>() is not { } idValue ||
            input["properties"] is not JsonObject properties)
        {
            return await ViolationAsync(context.Response, "VALIDATION_ERROR", "The upsert must have one input with idProperty, id and properties.");
        }

        if (!(Properties.TryGetValue(idProperty, out var unique) && unique))
        {
            return await BadRequestAsync(context.Response, "VALIDATION_ERROR", $"Property {idProperty} is not a unique identifier property.");
        }

        string id;
        bool isNew;
        (int Status, string Category, string Message)? failure;
        lock (_writing)
        {
            failure = Validate(properties);
            var existing = Contacts.FirstOrDefault(c => c.Value[idProperty]?.GetValue<string>() == idValue);
            isNew = existing.Value is null;
            id = existing.Key ?? "";
            if (failure is null && isNew && EmailOwner(properties, null) is { } owner)
            {
                failure = (409, "CONFLICT", $"Contact already exists. Existing ID: {owner}");
            }

            if (failure is null && isNew)
            {
                id = (++_nextId).ToString(CultureInfo.InvariantCulture);
                var contact = (JsonObject)properties.DeepClone();
                contact[idProperty] = idValue;
                Contacts[id] = contact;
                CountCreate();
            }
            else if (failure is null)
            {
                foreach (var (name, value) in properties) existing.Value![name] = value?.DeepClone();
                Interlocked.Increment(ref _updates);
                CountAlreadyExisted();
            }
        }

        if (failure is { } error) return await FailAsync(context.Response, error);
        if (isNew && !await AnswerLateSometimesAsync(context)) return 0;
        return await JsonAsync(context.Response, 200, new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = new JsonArray(Record(id, Contacts[id], isNew)),
            ["startedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["completedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        });
    }

    private async Task<int> CreateAsync(HttpContext context)
    {
        if ((await ReadBodyAsync(context))?["properties"] is not JsonObject properties)
        {
            return await ViolationAsync(context.Response, "VALIDATION_ERROR", "The body must be {\"properties\": {...}}.");
        }

        string id = "";
        (int Status, string Category, string Message)? failure;
        lock (_writing)
        {
            failure = Validate(properties);
            if (failure is null && EmailOwner(properties, null) is { } owner) failure = (409, "CONFLICT", $"Contact already exists. Existing ID: {owner}");
            if (failure is null)
            {
                id = (++_nextId).ToString(CultureInfo.InvariantCulture);
                Contacts[id] = (JsonObject)properties.DeepClone();
                CountCreate();
            }
        }

        if (failure is { } error) return await FailAsync(context.Response, error);
        return await JsonAsync(context.Response, 201, Record(id, Contacts[id], isNew: null));
    }

    private async Task<int> UpdateAsync(HttpContext context, string id)
    {
        if ((await ReadBodyAsync(context))?["properties"] is not JsonObject properties)
        {
            return await ViolationAsync(context.Response, "VALIDATION_ERROR", "The body must be {\"properties\": {...}}.");
        }

        (int Status, string Category, string Message)? failure;
        lock (_writing)
        {
            failure = !Contacts.TryGetValue(id, out var contact) ? (404, "OBJECT_NOT_FOUND", "resource not found")
                : Validate(properties) ?? (EmailOwner(properties, id) is { } owner ? (409, "CONFLICT", $"Contact already exists. Existing ID: {owner}") : null);
            if (failure is null)
            {
                foreach (var (name, value) in properties) contact![name] = value?.DeepClone();
                Interlocked.Increment(ref _updates);
            }
        }

        if (failure is { } error) return await FailAsync(context.Response, error);
        return await JsonAsync(context.Response, 200, Record(id, Contacts[id], isNew: null));
    }

    private (int Status, string Category, string Message)? Validate(JsonObject properties)
    {
        var problems = new JsonArray();
        foreach (var (name, value) in properties)
        {
            var text = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value?.ToJsonString();
            string? error = !Properties.ContainsKey(name) ? "PROPERTY_DOESNT_EXIST"
                : ReadOnlyProperties.Contains(name) ? "READ_ONLY_VALUE"
                : text is { Length: > MaxLength } ? "INVALID_LONG_STRING"
                : name == "email" && text is not null && !IsEmailAddress(text) ? "INVALID_EMAIL"
                : name == DoNotContactProperty && !(value?.GetValueKind() == JsonValueKind.String && text is "true" or "false") ? "INVALID_OPTION"
                : null;
            if (error is null) continue;
            var message = error switch
            {
                "PROPERTY_DOESNT_EXIST" => $"Property \"{name}\" does not exist",
                "READ_ONLY_VALUE" => $"Property \"{name}\" is read only",
                "INVALID_OPTION" => $"{text} was not one of the allowed options: [true, false]",
                "INVALID_EMAIL" => $"Email address {text} is invalid",
                _ => $"{name} was {text!.Length} characters long; max length is {MaxLength}",
            };
            problems.Add(new JsonObject { ["isValid"] = false, ["message"] = message, ["error"] = error, ["name"] = name });
        }

        if (problems.Count == 0) return null;
        CountBadRequest();
        return (400, "VALIDATION_ERROR", "Property values were not valid: " + problems.ToJsonString());
    }

    /// <summary>The contact other than <paramref name="self"/> that has the e-mail address of <paramref name="properties"/>.</summary>
    private string? EmailOwner(JsonObject properties, string? self) =>
        properties["email"]?.GetValue<string>() is { } email
            ? Contacts.FirstOrDefault(c => c.Key != self && string.Equals(c.Value["email"]?.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase)).Key
            : null;

    private Task<int> FailAsync(HttpResponse response, (int Status, string Category, string Message) error) => ErrorAsync(response, error.Status, error.Category, error.Message);

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject Record(string id, JsonObject properties, bool? isNew)
    {
        var record = new JsonObject
        {
            ["id"] = id,
            ["properties"] = properties.DeepClone(),
            ["createdAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["updatedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["archived"] = false,
        };
        if (isNew is { } value) record["new"] = value;
        return record;
    }



    /// <summary>Properties HubSpot calculates itself; the contacts API refuses to write them.</summary>
    public static IReadOnlyList<string> ReadOnlyProperties { get; } = ["hs_email_optout", "hs_object_id", "createdate", "lastmodifieddate"];

    /// <summary>HubSpot's default contact properties this fake knows.</summary>
    public static IReadOnlyList<string> StandardProperties { get; } =
    [
        "firstname", "lastname", "email", "phone", "mobilephone", "company", "jobtitle", "country", "city", "state", "zip", "address",
        "website", "message", "lifecyclestage", "hs_lead_status",
    ];
}
