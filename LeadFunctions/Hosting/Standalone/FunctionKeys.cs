using System.Security.Cryptography;
using System.Text;
using LeadFunctions.Intake;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>
/// The function-key check of standalone mode, done the way the Functions host does it: the <c>x-functions-key</c>
/// header first, else <c>?code=</c>; compared in constant time against every configured key (<c>Intake__Keys</c>).
/// </summary>
public sealed class FunctionKeys
{
    private readonly byte[][] _keyHashes;

    public FunctionKeys(IOptions<IntakeOptions> options)
    {
        _keyHashes = (options.Value.Keys ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Hash)
            .ToArray();
    }

    public bool IsAuthorized(HttpRequest request)
    {
        string? presented = request.Headers["x-functions-key"];
        if (string.IsNullOrEmpty(presented)) presented = request.Query["code"];
        if (string.IsNullOrEmpty(presented)) return false;

        // Hashing first makes every comparison the same length; checking every key leaks nothing about which one matched.
        var hash = Hash(presented);
        var match = false;
        foreach (var key in _keyHashes) match |= CryptographicOperations.FixedTimeEquals(hash, key);
        return match;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>Standalone mode's stand-in for the host's <c>AuthorizationLevel.Function</c>: 401 without a valid key, and nothing else happens.</summary>
internal sealed class FunctionKeyFilter(FunctionKeys keys, Telemetry.LeadMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (keys.IsAuthorized(context.HttpContext.Request)) return await next(context).ConfigureAwait(false);
        metrics.Received();
        metrics.Rejected("unauthorized");
        return TypedResults.Unauthorized();
    }
}
