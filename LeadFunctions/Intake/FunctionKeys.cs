using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Intake;

/// <summary>
/// The function-key check of standalone mode, done the way the Functions host does it: the <c>x-functions-key</c>
/// header first, else <c>?code=</c>; compared in constant time against every configured key.
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

    public bool IsConfigured => _keyHashes.Length > 0;

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
