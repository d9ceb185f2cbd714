using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// Entra ID as far as this run needs it: access tokens (JWTs) for a client id and an audience, with the claims Azure
/// Storage (Azurite's <c>--oauth basic</c>: issuer, audience, iat, nbf, exp) and Azure Monitor check, signed with a
/// key of this run so that the ingestion stand-in accepts only tokens this issuer made.
/// </summary>
public sealed class TokenIssuer(TimeProvider time)
{
    public const string TenantId = "72f988bf-0000-4000-8000-00000000a2b1";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public static string Issuer => $"https://sts.windows.net/{TenantId}/";

    public TimeSpan Lifetime { get; } = TimeSpan.FromHours(1);

    /// <summary>A token for <paramref name="clientId"/> (the managed identity) to call <paramref name="audience"/> (e.g. <c>https://storage.azure.com</c>).</summary>
    public (string Token, DateTimeOffset ExpiresOn) Issue(string clientId, string audience)
    {
        var now = time.GetUtcNow();
        var expires = now + Lifetime;
        var claims = new JsonObject
        {
            ["aud"] = audience,
            ["iss"] = Issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["appid"] = clientId,
            ["azp"] = clientId,
            ["oid"] = ObjectId(clientId),
            ["sub"] = ObjectId(clientId),
            ["tid"] = TenantId,
            ["idtyp"] = "app",
            ["ver"] = "1.0",
        };
        var unsigned = $"{Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8)}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        return ($"{unsigned}.{Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(unsigned)))}", expires);
    }

    /// <summary>The claims of a token this issuer signed that is valid now; null for anything else.</summary>
    public JsonObject? Validate(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        byte[] signature;
        JsonObject? claims;
        try
        {
            signature = FromBase64Url(parts[2]);
            claims = JsonNode.Parse(FromBase64Url(parts[1]))?.AsObject();
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }

        if (claims is null || !CryptographicOperations.FixedTimeEquals(signature, expected)) return null;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return (long?)claims["nbf"] <= now && now < (long?)claims["exp"] && (string?)claims["iss"] == Issuer ? claims : null;
    }

    /// <summary>The service principal's object id that Entra would give this client id: stable, and not the client id.</summary>
    private static string ObjectId(string clientId) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(clientId))[..16]).ToString();

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
