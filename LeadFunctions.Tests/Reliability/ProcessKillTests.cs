using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using LeadFunctions.Leads;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Reliability;

/// <summary>
/// Invariants 1 and 2 through crashes: the standalone app, a real process, is killed with SIGKILL at random moments
/// while leads flow in and out, and started again each time. Storage (the shared Azurite) stays up.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ProcessKillTests(Azurite azurite, ITestOutputHelper output)
{
    private const string Key = "kill-test-key";

    [Fact]
    public async Task Every_lead_answered_202_is_delivered_exactly_once_when_the_app_is_killed_at_random_points()
    {
        var leads = ReliabilityCollection.LongRun ? 5_000 : 1_000;
        var kills = ReliabilityCollection.LongRun ? 20 : 5;
        var seed = Environment.GetEnvironmentVariable("LEADFUNCTIONS_FAULTS_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"seed {seed} (LEADFUNCTIONS_FAULTS_SEED replays it): {leads} leads, {kills} kills");

        var queueName = TestNames.Queue();
        var tableName = TestNames.Table();
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["LeadQueueName"] = queueName,
            ["Destinations:Table:TableName"] = tableName,
            ["Delivery:JournalTable"] = TestNames.Table(),
            ["Telemetry:Exporter"] = "None",
            ["Intake:Keys"] = Key,
            // A message held by a killed process comes back after its lease: 3 s instead of 10 minutes.
            ["Standalone:MessageLease"] = "00:00:03",
            ["Standalone:MinPollingInterval"] = "00:00:00.050",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
            // Each kill can cost a held message one dequeue; the crash-loop guard must not mistake kills for a poison message.
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = (kills + 5).ToString(CultureInfo.InvariantCulture),
        };

        var bodies = Enumerable.Range(0, leads).Select(i => JsonSerializer.Serialize(new
        {
            ActionCode = i % 3 == 0 ? "PLT" : "INS",
            OfferTitle = $"Kill test {seed} #{i}",
            LeadSource = "SPZA-PLT|contoso.analytics",
            UserDetails = new { FirstName = "Zoë", LastName = $"Lead {i}", Email = $"lead{i}@contoso.com", Phone = 16175550000L + i, Company = "Contoso" },
        })).ToArray();
        var ids = bodies.Select(LeadIdOf).ToArray();

        var app = await AppProcess.StartAsync(settings);
        var port = app.Port;
        var current = app;
        var accepted = new ConcurrentDictionary<string, bool>();
        var inDoubt = new ConcurrentDictionary<string, bool>();
        var abandoned = new ConcurrentDictionary<string, bool>();
        var noAnswer = 0;
        var redeliveries = 0;
        var killed = 0;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var next = -1;
            var posting = Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
            {
                var giveUp = new Random(seed + worker);
                for (var i = Interlocked.Increment(ref next); i < leads; i = Interlocked.Increment(ref next))
                {
                    for (var attempt = 0; attempt < 200; attempt++)
                    {
                        try
                        {
                            using var response = await http.PostAsync($"/api/leads?code={Key}", new StringContent(bodies[i], System.Text.Encoding.UTF8, "application/json"));
                            if (response.StatusCode == HttpStatusCode.Accepted)
                            {
                                Assert.Equal(ids[i], (await response.JsonAsync()).GetProperty("leadId").GetString());
                                accepted[ids[i]] = true;
                                break;
                            }

                            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException or IOException)
                        {
                            // No answer (a killed server can even surface as a bare SocketException from connection
                            // setup): the lead may or may not be stored. Half the time the sender gives up on it.
                            Interlocked.Increment(ref noAnswer);
                            inDoubt[ids[i]] = true;
                            bool stop;
                            lock (giveUp) stop = giveUp.Next(2) == 0;
                            if (stop)
                            {
                                abandoned[ids[i]] = true;
                                break;
                            }
                        }

                        await Task.Delay(50);
                    }
                }
            }));

            // Kills at random moments: while leads arrive, and while the backlog is still being delivered.
            for (var k = 0; k < kills; k++)
            {
                await Task.Delay(random.Next(200, 1_500));
                redeliveries += current.Lines.Count(l => l.Contains("already there: True", StringComparison.Ordinal));
                current.Kill();
                killed++;
                current.Dispose();
                current = await AppProcess.StartAsync(settings, port: port);
            }

            await posting.WaitAsync(TimeSpan.FromMinutes(5));

            var table = azurite.Table(tableName);
            var delivered = await TestApp.EventuallyAsync(async () =>
                (await RowKeysAsync(table)).IsSupersetOf(accepted.Keys) && await TestApp.CountMessagesAsync(azurite.Queue(queueName)) == 0,
                TimeSpan.FromMinutes(ReliabilityCollection.LongRun ? 10 : 3));

            var rows = await RowKeysAsync(table);
            var poisoned = await TestApp.CountMessagesAsync(azurite.Queue(queueName + "-poison"));
            redeliveries += current.Lines.Count(l => l.Contains("already there: True", StringComparison.Ordinal));
            var lost = accepted.Keys.Count(id => !rows.Contains(id));
            var doubtStored = rows.Count(id => !accepted.ContainsKey(id));
            output.WriteLine(
                $"leads {leads}, kills {killed}, answered 202 {accepted.Count}, requests without an answer {noAnswer} ({inDoubt.Count} leads in doubt, " +
                $"{abandoned.Count} abandoned by the sender, of which {doubtStored} had been stored), rows {rows.Count}, lost {lost}, poisoned {poisoned}, " +
                $"re-deliveries absorbed by the create-once key {redeliveries} (seen in the logs that survived)");

            Assert.True(delivered, $"not everything was delivered: {lost} of {accepted.Count} accepted leads missing, queue not empty");
            Assert.Equal(0, lost);
            Assert.Equal(0, poisoned);
            Assert.Subset(ids.ToHashSet(), rows);
            Assert.Equal(accepted.Count + doubtStored, rows.Count);
            Assert.Equal(leads, accepted.Count + abandoned.Keys.Count(id => !accepted.ContainsKey(id)));
            Assert.Equal(kills, killed);
        }
        finally
        {
            current.Stop();
            current.Dispose();
        }
    }

    private static string LeadIdOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return LeadReader.Published.Read(document.RootElement).LeadId!;
    }

    /// <summary>The table's row keys (lead ids); a key occurs once by construction, so a second delivery cannot add a row.</summary>
    internal static async Task<HashSet<string>> RowKeysAsync(TableClient table)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(select: ["RowKey"])) keys.Add(row.RowKey);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
        }

        return keys;
    }
}
