using System.Security.Cryptography;
using LeadFunctions.Intake;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>Standalone mode's function-key check, as the host does it; constant time against every <c>Intake__Keys</c> key.</summary>
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

        // Hashing makes every comparison the same length; checking every key leaks nothing about which matched.
        var hash = Hash(presented);
        var match = false;
        foreach (var key in _keyHashes) match |= CryptographicOperations.FixedTimeEquals(hash, key);
        return match;
    }

    /// <summary>As the host takes it: the header if present (even empty), else the <c>code</c> query; the first of repeats.</summary>
    public static string? Presented(HttpRequest request) =>
        request.Headers.TryGetValue(HeaderName, out var header) ? header.FirstOrDefault()
        : request.Query.TryGetValue(QueryName, out var code) ? code.FirstOrDefault()
        : null;

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
