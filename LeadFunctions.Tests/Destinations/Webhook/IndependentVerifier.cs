using System.Security.Cryptography;
using System.Text;

namespace LeadFunctions.Tests.Destinations.Webhook;

/// <summary>
/// A receiver's check, written from the Standard Webhooks specification and NOT with the library the app signs with:
/// HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c> with the base64-decoded key after <c>whsec_</c>, compared in constant
/// time with every <c>v1,</c> entry of <c>webhook-signature</c> (space-separated).
/// </summary>
public static class IndependentVerifier
{
    public static bool Verifies(string secret, ReceivedWebhook received) =>
        Verifies(secret, received.Id!, received.Timestamp!, received.Body, received.Signature ?? "");

    public static bool Verifies(string secret, string id, string timestamp, string body, string signatureHeader)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        var verified = false;
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(',', 2);
            if (parts.Length != 2 || parts[0] != "v1") continue;
            var given = new byte[64];
            if (!Convert.TryFromBase64String(parts[1], given, out var length)) continue;
            verified |= CryptographicOperations.FixedTimeEquals(given.AsSpan(0, length), expected);
        }

        return verified;
    }

    /// <summary>How many <c>v1,</c> signatures the header carries.</summary>
    public static int Count(string? signatureHeader) =>
        (signatureHeader ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(e => e.StartsWith("v1,", StringComparison.Ordinal));
}
