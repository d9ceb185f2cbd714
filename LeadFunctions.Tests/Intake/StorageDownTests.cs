using System.Net;

namespace LeadFunctions.Tests.Intake;

/// <summary>Invariant 1: no 2xx unless the lead is durably in the queue.</summary>
public sealed class StorageDownTests
{
    [Fact]
    public async Task Storage_unreachable_answers_503_with_Retry_After_and_never_a_2xx()
    {
        using var closed = new ClosedPort();
        var nothingListens = closed.Number;
        var deadStorage = Azurite.ConnectionStringFor(nothingListens, nothingListens, nothingListens);
        await using var app = await TestApp.StartAsync(null, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" }, connectionString: deadStorage);

        var response = await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("someone@contoso.com", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_that_stops_midway_turns_answers_into_503_and_every_2xx_lead_survives_the_restart()
    {
        // A private Azurite, so that stopping it does not disturb other tests.
        var storage = await Azurite.StartOwnAsync();
        await using var app = await TestApp.StartAsync(null, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" }, connectionString: storage.ConnectionString);

        var accepted = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var response = await app.PostLeadAsync($"{{\"OfferTitle\":\"Before {i}\",\"UserDetails\":{{\"LastName\":\"L\"}}}}");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted.Add((await response.JsonAsync()).GetProperty("leadId").GetString()!);
        }

        try
        {
            storage.Stop(graceful: true);
            for (var i = 0; i < 5; i++)
            {
                var response = await app.PostLeadAsync($"{{\"OfferTitle\":\"During {i}\",\"UserDetails\":{{\"LastName\":\"L\"}}}}");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }

            await storage.RestartAsync();
            var queued = (await storage.Queue(app.QueueName).PeekMessagesAsync(32)).Value
                .Select(m => LeadFunctions.Leads.LeadEnvelope.TryParse(m.MessageText, out _)!.LeadId)
                .ToHashSet();
            Assert.Equal(accepted.ToHashSet(), queued);

            var after = await app.PostLeadAsync("""{"OfferTitle":"After","UserDetails":{"LastName":"L"}}""");
            Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        }
        finally
        {
            await storage.DisposeAsync();
        }
    }
}
