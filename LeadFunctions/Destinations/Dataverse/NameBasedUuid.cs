using System.Security.Cryptography;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>Version 5 UUIDs (RFC 4122 §4.3; .NET has none), so a retried create addresses the same record.</summary>
public static class NameBasedUuid
{
    /// <summary>The namespace of lead ids, fixed forever: changing it would give every lead a new id, and delivered leads a second record.</summary>
    public static readonly Guid LeadNamespace = new("5d1c4b6e-93a7-4f0e-8a52-c6f0e2b7d913");

    /// <summary>RFC 4122 appendix C: the namespace for fully qualified domain names.</summary>
    public static readonly Guid DnsNamespace = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    /// <summary>The Dataverse <c>leadid</c> of a lead: v5 of its lead id in <see cref="LeadNamespace"/>.</summary>
    public static Guid ForLead(string leadId) => Create(LeadNamespace, leadId);

    public static Guid Create(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        if (!namespaceId.TryWriteBytes(input.AsSpan(0, 16), bigEndian: true, out _))
        {
            throw new InvalidOperationException("A GUID is 16 bytes.");
        }

        nameBytes.CopyTo(input, 16);

#pragma warning disable CA5350 // SHA-1 is what RFC 4122 specifies for v5; it names records, it protects nothing.
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
#pragma warning restore CA5350

        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50); // version 5
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(uuid, bigEndian: true);
    }

    /// <summary>The version nibble of a UUID in RFC 4122 byte order (5 for the ids made here).</summary>
    public static int VersionOf(Guid uuid)
    {
        Span<byte> bytes = stackalloc byte[16];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes[6] >> 4;
    }
}
