using System.Security.Cryptography;
using System.Text;
using LeadFunctions.Intake;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>
/// The function-key check of standalone mode, done the way the Functions host does it (<see cref="Presented"/>);
/// compared in constant time against every configured key (<c>Intake__Keys</c>).
/// </summary>
public sealed class FunctionKeys
{
    public const string HeaderName = "x-functions-key";

    public const string QueryName = "code";

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
        if (Presented(request) is not { Length: > 0 } presented) return false;

        // Hashing first makes every comparison the same length; checking every key leaks nothing about which one matched.
        var hash = Hash(presented);
        var match = false;
        foreach (var key in _keyHashes) match |= CryptographicOperations.FixedTimeEquals(hash, key);
        return match;
    }

    /// <summary>
    /// The key the request presents, as the Functions host takes it: the header when the request has one (even an empty
    /// one: the query is then not consulted), else the <c>code</c> query parameter; of repeated values, the first.
    /// </summary>
    public static string? Presented(HttpRequest request) =>
        request.Headers.TryGetValue(HeaderName, out var header) ? header.FirstOrDefault()
        : request.Query.TryGetValue(QueryName, out var code) ? code.FirstOrDefault()
        : null;

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
