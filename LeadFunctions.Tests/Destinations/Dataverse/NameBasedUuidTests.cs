using LeadFunctions.Destinations.Dataverse;

namespace LeadFunctions.Tests.Destinations.Dataverse;

public sealed class NameBasedUuidTests
{
    [Theory]
    [InlineData("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2")] // DNS namespace, the well-known vector
    [InlineData("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://contoso.crm.dynamics.com/", "7f307179-5ec3-53da-be2d-891e1d5c7666")] // URL namespace
    [InlineData("5d1c4b6e-93a7-4f0e-8a52-c6f0e2b7d913", "0123456789abcdef", "2ae367fa-fe4b-5018-9a2e-7b56696d828a")] // our lead namespace
    [InlineData("5d1c4b6e-93a7-4f0e-8a52-c6f0e2b7d913", "Ünïcødé lead", "919b341b-cdf5-54f6-87e5-947f28bd934b")] // names are UTF-8
    public void Version_5_uuid_matches_an_independent_implementation(string namespaceId, string name, string expected)
    {
        Assert.Equal(Guid.Parse(expected), NameBasedUuid.Create(Guid.Parse(namespaceId), name));
    }

    [Fact]
    public void Lead_namespace_is_fixed_because_changing_it_would_recreate_delivered_leads()
    {
        Assert.Equal(Guid.Parse("5d1c4b6e-93a7-4f0e-8a52-c6f0e2b7d913"), NameBasedUuid.LeadNamespace);
        Assert.Equal(NameBasedUuid.Create(NameBasedUuid.LeadNamespace, "abc"), NameBasedUuid.ForLead("abc"));
        Assert.Equal(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2"), NameBasedUuid.Create(NameBasedUuid.DnsNamespace, "www.example.com"));
    }

    [Fact]
    public void Same_lead_id_always_gives_the_same_record_id_and_different_ids_differ()
    {
        var ids = Enumerable.Range(0, 1000).Select(i => NameBasedUuid.ForLead($"{i:x32}")).ToList();

        Assert.Equal(ids, Enumerable.Range(0, 1000).Select(i => NameBasedUuid.ForLead($"{i:x32}")));
        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(5, NameBasedUuid.VersionOf(id)));
        Assert.All(ids, id => Assert.Contains(id.ToString("D")[19], "89ab")); // RFC 4122 variant
    }
}
