using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// Application Insights' ingestion endpoint with local authentication off (<c>DisableLocalAuth</c>, as
/// infra/app/monitoring.bicep creates it), over HTTPS: the Breeze protocol the Azure Monitor exporter speaks,
/// <c>POST /v2.1/track</c> with a gzip body of newline-separated telemetry items, answered
/// <c>{"itemsReceived":n,"itemsAccepted":n,"errors":[]}</c>. A batch without a bearer token from
/// <see cref="TokenIssuer"/> for Azure Monitor's audience, or from another identity than the one allowed to publish
/// (Monitoring Metrics Publisher), is refused with 401 or 403 and counted; what is accepted is kept, item by item.
/// </summary>
public sealed class IngestionEndpoint : IAsyncDisposable
{
    /// <summary>The audience of Azure Monitor's ingestion (the exporter asks for <c>https://monitor.azure.com//.default</c>).</summary>
    public const string Audience = "https://monitor.azure.com";

    private readonly WebApplication _app;
    private readonly TokenIssuer _issuer;
    private readonly string _publisherClientId;
    private int _refused;

    private IngestionEndpoint(WebApplication app, TokenIssuer issuer, string publisherClientId)
    {
        _app = app;
        _issuer = issuer;
        _publisherClientId = publisherClientId;
    }

    /// <summary>The resource's instrumentation key: it names the resource, it authorises nothing.</summary>
    public string InstrumentationKey { get; } = Guid.NewGuid().ToString();

    public Uri Url { get; private set; } = null!;

    /// <summary>What Azure computes for <c>applicationInsights.properties.ConnectionString</c>, pointing here.</summary>
    public string ConnectionString => $"InstrumentationKey={InstrumentationKey};IngestionEndpoint={Url}";

    /// <summary>Every item accepted, with the client id whose token came with it.</summary>
    public ConcurrentQueue<IngestedItem> Accepted { get; } = new();

    /// <summary>Batches refused: no token, a token for another audience or identity, or not this run's.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Why batches were refused (status and reason), for failure messages.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public static async Task<IngestionEndpoint> StartAsync(TokenIssuer issuer, TestCertificates certificates, string publisherClientId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificates.Server)));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var endpoint = new IngestionEndpoint(app, issuer, publisherClientId);
        app.MapPost("/v2.1/track", (Delegate)endpoint.TrackAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.Url = new Uri(address.TrimEnd('/') + "/");
        return endpoint;
    }

    /// <summary>The accepted metric items whose metric is <paramref name="name"/>.</summary>
    public IEnumerable<IngestedItem> Metrics(string name) => Accepted.Where(i => i.BaseType == "MetricData" && i.MetricName == name);

    private async Task<IResult> TrackAsync(HttpContext context)
    {
        var items = await ReadItemsAsync(context.Request);
        if (items is null) return Answer(400, 0, 0, "The body is not gzip'd or plain newline-separated JSON.");

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return Refuse(401, items.Count, "no bearer token: local authentication is disabled");
        var claims = _issuer.Validate(authorization["Bearer ".Length..]);
        if (claims is null) return Refuse(401, items.Count, "the token is not valid");
        if (((string?)claims["aud"])?.TrimEnd('/') != Audience) return Refuse(401, items.Count, $"the token's audience is {(string?)claims["aud"]}, not {Audience}");
        var clientId = (string?)claims["appid"];
        if (!string.Equals(clientId, _publisherClientId, StringComparison.OrdinalIgnoreCase)) return Refuse(403, items.Count, $"{clientId} is not a Monitoring Metrics Publisher of this resource");

        var accepted = 0;
        var errors = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            if ((string?)items[i]["iKey"] != InstrumentationKey)
            {
                errors.Add(new JsonObject { ["index"] = i, ["statusCode"] = 400, ["message"] = "Invalid instrumentation key" });
                continue;
            }

            Accepted.Enqueue(new IngestedItem(items[i], clientId!));
            accepted++;
        }

        return Results.Json(new JsonObject { ["itemsReceived"] = items.Count, ["itemsAccepted"] = accepted, ["appId"] = null, ["errors"] = errors },
            statusCode: accepted == items.Count ? 200 : 206);
    }

    private IResult Refuse(int status, int count, string why)
    {
        Interlocked.Increment(ref _refused);
        Refusals.Enqueue($"{status}: {why}");
        return Answer(status, count, 0, why);
    }

    private static IResult Answer(int status, int received, int accepted, string message) => Results.Json(
        new JsonObject
        {
            ["itemsReceived"] = received,
            ["itemsAccepted"] = accepted,
            ["errors"] = new JsonArray(new JsonObject { ["index"] = 0, ["statusCode"] = status, ["message"] = message }),
        },
        statusCode: status);

    private static async Task<List<JsonObject>?> ReadItemsAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        buffer.Position = 0;
        var gzip = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        try
        {
            using var body = gzip ? new GZipStream(buffer, CompressionMode.Decompress) : (Stream)buffer;
            using var reader = new StreamReader(body);
            var items = new List<JsonObject>();
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length > 0) items.Add(JsonNode.Parse(line)!.AsObject());
            }

            return items;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One telemetry item Application Insights accepted: its envelope, and who sent it.</summary>
public sealed record IngestedItem(JsonObject Item, string ClientId)
{
    /// <summary>Request, RemoteDependency, Message, Exception, Metric, ... (the envelope's <c>name</c>).</summary>
    public string? Name => (string?)Item["name"];

    /// <summary>RequestData, RemoteDependencyData, MessageData, MetricData, ...</summary>
    public string? BaseType => (string?)Item["data"]?["baseType"];

    public JsonNode? BaseData => Item["data"]?["baseData"];

    public string? MetricName => (string?)BaseData?["metrics"]?[0]?["name"];

    /// <summary>The custom dimensions of a metric, the attributes of a span or a log record.</summary>
    public IReadOnlyDictionary<string, string?> Properties =>
        BaseData?["properties"] is JsonObject properties
            ? properties.ToDictionary(p => p.Key, p => p.Value?.ToString())
            : new Dictionary<string, string?>();

    public string? OperationId => (string?)Item["tags"]?["ai.operation.id"];
}
