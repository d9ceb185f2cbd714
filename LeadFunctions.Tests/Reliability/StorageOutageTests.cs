using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Reliability;

/// <summary>
/// Invariant 1 under load: storage goes away while 16 senders post leads and delivery runs. Every answer is a 503 or a
/// 202 for a lead that storage really has; after storage is back, every 202 lead is delivered once and none is poisoned.
/// </summary>
/// <remarks>
/// Azurite is stopped gracefully (SIGTERM): it writes its data to disk periodically and on exit, so a SIGKILL would lose
/// its recent writes — unlike Azure Storage, which acknowledges a message only once it is durable. Killing storage is
/// therefore not a test of this app.
/// </remarks>
[Collection(ReliabilityCollection.Name)]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Storage_outage_under_concurrent_load_answers_only_503_or_202_and_every_202_lead_is_delivered_after_it()
    {
        var leads = ReliabilityCollection.LongRun ? 3_000 : 600;
        var outages = ReliabilityCollection.LongRun ? 3 : 1;
        var storage = await Azurite.StartOwnAsync();
        try
        {
            await using var app = await TestApp.StartAsync(null, new Dictionary<string, string?>
            {
                ["Standalone:MessageLease"] = "00:00:03",
                ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "20",
                ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01",
                ["Delivery:FirstRetryDelay"] = "00:00:01",
                ["Delivery:MaxRetryDelay"] = "00:00:02",
            }, connectionString: storage.ConnectionString);

            var posted = new ConcurrentDictionary<string, HttpStatusCode>();
            var next = -1;
            var sent = 0;
            var refusedSoFar = 0;
            var posting = Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                for (var i = Interlocked.Increment(ref next); i < leads; i = Interlocked.Increment(ref next))
                {
                    var body = JsonSerializer.Serialize(new
                    {
                        OfferTitle = $"Outage test #{i.ToString(CultureInfo.InvariantCulture)}",
                        UserDetails = new { LastName = $"Lead {i}", Email = $"lead{i}@contoso.com" },
                    });
                    using var response = await app.PostLeadAsync(body);
                    Interlocked.Increment(ref sent);
                    Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"answered {response.StatusCode}");
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable) Interlocked.Increment(ref refusedSoFar);
                    var id = response.StatusCode == HttpStatusCode.Accepted
                        ? (await response.JsonAsync()).GetProperty("leadId").GetString()!
                        : $"refused #{i}";
                    posted[id] = response.StatusCode;
                }
            }));

            var stops = 0;
            for (var o = 0; o < outages; o++)
            {
                var before = Volatile.Read(ref sent);
                await TestApp.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref sent) >= before + leads / (2 * outages + 1)), TimeSpan.FromSeconds(60));
                storage.Stop(graceful: true);
                stops++;
                var refusedBefore = Volatile.Read(ref refusedSoFar);

                // Down for at least 3 s (real time: an outage longer than the storage client's quick retries), and
                // until a post has met it, however slowly this machine answers.
                var lasting = Task.Delay(TimeSpan.FromSeconds(3));
                Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref refusedSoFar) > refusedBefore), TimeSpan.FromMinutes(2)),
                    "no post met the outage");
                await lasting;
                await storage.RestartAsync();
            }

            await posting.WaitAsync(TimeSpan.FromMinutes(5));
            var accepted = posted.Where(p => p.Value == HttpStatusCode.Accepted).Select(p => p.Key).ToHashSet();
            var refused = posted.Count(p => p.Value == HttpStatusCode.ServiceUnavailable);

            var table = storage.Table(app.TableName);
            var delivered = await TestApp.EventuallyAsync(async () =>
                (await ProcessKillTests.RowKeysAsync(table)).IsSupersetOf(accepted) && await TestApp.CountMessagesAsync(storage.Queue(app.QueueName)) == 0,
                TimeSpan.FromMinutes(3));
            var rows = await ProcessKillTests.RowKeysAsync(table);
            var lost = accepted.Count(id => !rows.Contains(id));
            var poisoned = await TestApp.CountMessagesAsync(storage.Queue(app.PoisonQueueName));
            output.WriteLine($"leads {leads}, storage outages {stops} (3 s or more each, graceful stop), answered 202 {accepted.Count}, 503 {refused}, " +
                             $"rows {rows.Count} (503 leads stored anyway: {rows.Count - accepted.Count}), lost {lost}, poisoned {poisoned}");

            Assert.True(refused > 0, "no request met the outage");
            Assert.True(delivered, $"{lost} accepted leads were not delivered, or the queue did not drain");
            Assert.Equal(0, lost);
            Assert.Equal(0, poisoned);
            Assert.Equal(leads, accepted.Count + refused);
        }
        finally
        {
            await storage.DisposeAsync();
        }
    }
}
