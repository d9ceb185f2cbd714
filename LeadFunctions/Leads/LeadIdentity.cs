using System.Security.Cryptography;

namespace LeadFunctions.Leads;

/// <summary>The lead id: a hash of the canonical payload, so the same lead posted twice has the same id.</summary>
public static class LeadIdentity
{
    public const int Length = 32;

    public static bool IsWellFormed(string? text) =>
        text is { Length: Length } && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public static string From(ReadOnlySpan<byte> canonicalJson)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(canonicalJson, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
