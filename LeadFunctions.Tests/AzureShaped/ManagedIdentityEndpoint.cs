using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
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
/// The managed-identity endpoint App Service and Functions give an app: the platform sets <c>IDENTITY_ENDPOINT</c> and
/// <c>IDENTITY_HEADER</c>, and Azure.Identity's <c>ManagedIdentityCredential</c> asks
/// <c>GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&amp;resource=…&amp;client_id=…</c> with the header
/// <c>X-IDENTITY-HEADER</c>, and reads <c>access_token</c> and <c>expires_on</c> (seconds since 1970) from the answer.
/// Only the identities assigned to the app get a token (as in Azure: an unknown client id is a 400); every request is
/// recorded: which client id asked for which audience, and what it got.
/// </summary>
public sealed class ManagedIdentityEndpoint : IAsyncDisposable
{
    public const string ApiVersion = "2019-08-01";
    public const string Path = "/msi/token";

    private readonly WebApplication _app;
    private readonly TokenIssuer _issuer;
    private readonly HashSet<string> _assigned;

    private ManagedIdentityEndpoint(WebApplication app, TokenIssuer issuer, IEnumerable<string> assignedClientIds)
    {
        _app = app;
        _issuer = issuer;
        _assigned = new HashSet<string>(assignedClientIds, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The secret the platform puts in <c>IDENTITY_HEADER</c>; a request without it gets nothing.</summary>
    public string Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public Uri Url { get; private set; } = null!;

    /// <summary>Every token request: the client id (null: the system-assigned identity), the audience, and the status answered.</summary>
    public ConcurrentQueue<(string? ClientId, string? Resource, int Status)> Requests { get; } = new();

    /// <summary>The app settings the platform adds for this endpoint.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["IDENTITY_ENDPOINT"] = new Uri(Url, Path).ToString(),
        ["IDENTITY_HEADER"] = Secret,
    };

    /// <summary>Starts the endpoint on a loopback port (plain HTTP on loopback, as the platform's is), for the user-assigned <paramref name="assignedClientIds"/>.</summary>
    public static async Task<ManagedIdentityEndpoint> StartAsync(TokenIssuer issuer, params string[] assignedClientIds)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var endpoint = new ManagedIdentityEndpoint(app, issuer, assignedClientIds);
        app.MapGet(Path, endpoint.Token);
        await app.StartAsync();
        endpoint.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return endpoint;
    }

    private IResult Token(HttpContext context)
    {
        var query = context.Request.Query;
        string? clientId = query["client_id"], resource = query["resource"];
        var (status, result) = Answer(context.Request.Headers["X-IDENTITY-HEADER"], query["api-version"], clientId, resource, query);
        Requests.Enqueue((clientId, resource, status));
        return result;
    }

    private (int, IResult) Answer(string? secret, string? apiVersion, string? clientId, string? resource, IQueryCollection query)
    {
        if (secret != Secret) return Problem(401, "The X-IDENTITY-HEADER header is missing or wrong.");
        if (apiVersion != ApiVersion) return Problem(400, $"api-version must be {ApiVersion}.");
        if (string.IsNullOrEmpty(resource)) return Problem(400, "resource is required.");
        if (query.ContainsKey("mi_res_id") || query.ContainsKey("principal_id") || query.ContainsKey("object_id"))
        {
            return Problem(400, "This stand-in knows its identities by client id only.");
        }

        // The app has no system-assigned identity (infra/app/api.bicep assigns one user-assigned identity).
        if (clientId is null || !_assigned.Contains(clientId))
        {
            return Problem(400, "No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.");
        }

        var (token, expiresOn) = _issuer.Issue(clientId, resource);
        return (200, Results.Json(new Dictionary<string, string>
        {
            ["access_token"] = token,
            ["expires_on"] = expiresOn.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = clientId,
        }));
    }

    private static (int, IResult) Problem(int status, string message) =>
        (status, Results.Json(new Dictionary<string, object> { ["statusCode"] = status, ["message"] = message }, statusCode: status));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
