using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.Infrastructure;

/// <summary>
/// A loopback stand-in for the Dataverse Web API (<c>/api/data/v9.2/</c>) that is as strict as the real one about
/// what the app relies on: OData headers, bearer token (when <see cref="RequiredToken"/> is set), known lead columns
/// with their types and maximum lengths, <c>PATCH leads(id)</c> with <c>If-None-Match: *</c> (204 created, 412
/// exists), <c>WhoAmI</c>, and an affinity cookie the client must not send back. Faults are switched on per test:
/// a service-protection limit (429 + Retry-After), injected 503s, slow successes (committed, answered late),
/// an outage (connections dropped), or one answer for everything (e.g. 403). It keeps the records it created.
/// </summary>
public sealed partial class FakeDataverse : IAsyncDisposable
{
    public const string OrganizationId = "0a1b2c3d-0000-4000-8000-00000000f00d";
    public const string UserId = "0a1b2c3d-0000-4000-8000-0000000000a1";

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _admitted = new();
    private readonly Random _random;
    private int _concurrent;
    private int _inject503;

    private FakeDataverse(WebApplication app, int seed)
    {
        _app = app;
        _random = new Random(seed);
        foreach (var (name, attribute) in StandardAttributes) Attributes[name] = attribute;
    }

    /// <summary>The environment URL to give the app (<c>Crm:Dataverse:Url</c>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The lead records, by <c>leadid</c>.</summary>
    public ConcurrentDictionary<Guid, JsonObject> Leads { get; } = new();

    /// <summary>The lead table's columns; add one to simulate an admin creating a custom column.</summary>
    public ConcurrentDictionary<string, LeadAttribute> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests the real service would reject or that break our contract (e.g. PATCH without If-None-Match, a cookie sent back).</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Every answer: when, what, which status.</summary>
    public ConcurrentQueue<(DateTimeOffset At, string Method, string Path, int Status)> Log { get; } = new();

    // Behaviour, switchable while running.
    public string? RequiredToken { get; set; }

    public int? DopHint { get; set; }

    public ServiceProtectionLimit? Limit { get; set; }

    public int ConcurrencyLimit { get; set; } = 52;

    public double TransientFailureRate { get; set; }

    public double SlowSuccessRate { get; set; }

    public TimeSpan SlowSuccessDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Every connection is dropped without an answer (a network outage).</summary>
    public bool Down { get; set; }

    /// <summary>Every request gets this answer (e.g. 403 for an application user without a role).</summary>
    public (int Status, string Code, string Message)? AnswerEverything { get; set; }

    // Counters.
    public int Requests => Volatile.Read(ref _requests);

    public int Creates => Volatile.Read(ref _creates);

    public int AlreadyExisted => Volatile.Read(ref _alreadyExisted);

    public int Throttled => Volatile.Read(ref _throttled);

    public int Injected503 => Volatile.Read(ref _injected503);

    public int SlowSuccesses => Volatile.Read(ref _slowSuccesses);

    public int Dropped => Volatile.Read(ref _dropped);

    public int Unauthorized => Volatile.Read(ref _unauthorized);

    public int BadRequests => Volatile.Read(ref _badRequests);

    public int WithToken => Volatile.Read(ref _withToken);

    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    private int _requests, _creates, _alreadyExisted, _throttled, _injected503, _slowSuccesses, _dropped, _unauthorized, _badRequests, _withToken, _maxConcurrent;

    public static async Task<FakeDataverse> StartAsync(int seed = 1234)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var fake = new FakeDataverse(app, seed);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Url = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The next <paramref name="count"/> requests get 503 (a burst).</summary>
    public void FailNextWith503(int count) => Interlocked.Add(ref _inject503, count);

    /// <summary>A custom text column, as an admin would create it.</summary>
    public void AddTextColumn(string name, int maxLength) => Attributes[name] = new LeadAttribute(AttributeType.Text, maxLength);

    public JsonObject Lead(Guid id) => Leads.TryGetValue(id, out var record) ? record : throw new KeyNotFoundException($"No lead {id}.");

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var concurrent = Interlocked.Increment(ref _concurrent);
        for (var max = MaxConcurrent; concurrent > max && Interlocked.CompareExchange(ref _maxConcurrent, concurrent, max) != max; max = MaxConcurrent)
        {
        }

        try
        {
            var status = await AnswerAsync(context, concurrent);
            Log.Enqueue((DateTimeOffset.UtcNow, context.Request.Method, context.Request.Path.Value ?? "", status));
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
    }

    private async Task<int> AnswerAsync(HttpContext context, int concurrent)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["OData-Version"] = "4.0";
        response.Headers["REQ_ID"] = Guid.NewGuid().ToString();
        response.Headers.SetCookie = "ARRAffinity=" + Guid.NewGuid().ToString("N") + "; path=/; HttpOnly";
        if (DopHint is { } hint) response.Headers["x-ms-dop-hint"] = hint.ToString(CultureInfo.InvariantCulture);
        if (request.Headers.Cookie.Count > 0) Violations.Enqueue("The client sent a cookie back (the affinity cookie must be disabled).");

        if (Down)
        {
            Interlocked.Increment(ref _dropped);
            context.Abort();
            return 0;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0) Interlocked.Increment(ref _withToken);
        if (RequiredToken is { } token && authorization != "Bearer " + token)
        {
            Interlocked.Increment(ref _unauthorized);
            response.Headers.WWWAuthenticate = "Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=" + Url;
            response.StatusCode = 401;
            return 401;
        }

        if (AnswerEverything is { } everything) return await ErrorAsync(response, everything.Status, everything.Code, everything.Message);

        if (concurrent > ConcurrencyLimit)
        {
            Interlocked.Increment(ref _throttled);
            response.Headers.RetryAfter = "1";
            return await ErrorAsync(response, 429, "0x80072326", $"Number of concurrent requests exceeded the limit of {ConcurrencyLimit}.");
        }

        if (Limit is { } limit && !Admit(limit))
        {
            Interlocked.Increment(ref _throttled);
            response.Headers.RetryAfter = limit.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return await ErrorAsync(response, 429, "0x80072322",
                $"Number of requests exceeded the limit of {limit.Requests} over time window of {limit.Window.TotalSeconds:0} seconds.");
        }

        if (TakeInjected503() || Chance(TransientFailureRate))
        {
            Interlocked.Increment(ref _injected503);
            return await ErrorAsync(response, 503, "0x80040216", "The service is temporarily unavailable.");
        }

        if (!request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase)) return await ViolationAsync(response, "Accept: application/json is missing.");
        if (request.Headers["OData-MaxVersion"] != "4.0") return await ViolationAsync(response, "OData-MaxVersion: 4.0 is missing.");
        if (request.Headers["OData-Version"] != "4.0") return await ViolationAsync(response, "OData-Version: 4.0 is missing.");

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
            return await ViolationAsync(response, $"Content-Type must be application/json; charset=utf-8 (was '{contentType}').");
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
                Interlocked.Increment(ref _alreadyExisted);
                return await ErrorAsync(response, 412, "0x80040237", "A record with matching key values already exists.");
            }

            Leads[id] = body;
        }
        else
        {
            Interlocked.Increment(ref _creates);
        }

        if (Chance(SlowSuccessRate))
        {
            // Committed; the answer comes after the client has given up waiting.
            Interlocked.Increment(ref _slowSuccesses);
            try
            {
                await Task.Delay(SlowSuccessDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
        }

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

    private bool Admit(ServiceProtectionLimit limit)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            while (_admitted.Count > 0 && now - _admitted.Peek() >= limit.Window) _admitted.Dequeue();
            if (_admitted.Count >= limit.Requests) return false;
            _admitted.Enqueue(now);
            return true;
        }
    }

    private bool TakeInjected503()
    {
        while (true)
        {
            var left = Volatile.Read(ref _inject503);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref _inject503, left - 1, left) == left) return true;
        }
    }

    private bool Chance(double rate)
    {
        if (rate <= 0) return false;
        lock (_lock) return _random.NextDouble() < rate;
    }

    private async Task<int> ViolationAsync(HttpResponse response, string violation)
    {
        Violations.Enqueue(violation);
        return await BadRequestAsync(response, "0x0", violation);
    }

    private async Task<int> BadRequestAsync(HttpResponse response, string code, string message)
    {
        Interlocked.Increment(ref _badRequests);
        return await ErrorAsync(response, 400, code, message);
    }

    private static async Task<int> ErrorAsync(HttpResponse response, int status, string code, string message)
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

/// <summary>Dataverse's service protection: at most <paramref name="Requests"/> per sliding <paramref name="Window"/>, then 429.</summary>
public sealed record ServiceProtectionLimit(int Requests, TimeSpan Window, int RetryAfterSeconds);
