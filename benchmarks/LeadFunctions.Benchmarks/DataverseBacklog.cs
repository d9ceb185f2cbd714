using Azure.Storage.Queues;
using LeadFunctions.Storage;
using LeadFunctions.Testing;

namespace LeadFunctions.Benchmarks;

/// <summary>
/// What the delivery benchmarks share: a backlog of leads put in a fresh queue beforehand (the envelopes intake writes,
/// through the Azure SDK), the app's settings for delivering it to a loopback <see cref="FakeDataverse"/>, and how to
/// count what arrived.
/// </summary>
internal static class DataverseBacklog
{
    /// <summary>Envelopes of <paramref name="leads"/> distinct leads (the documented sample, a distinct e-mail each).</summary>
    public static string[] Envelopes(int leads) => Enumerable.Range(0, leads).Select(i => IntakeBenchmark.Envelope(IntakeBenchmark.Lead(i))).ToArray();

    /// <summary>
    /// Creates the queue <paramref name="queueName"/> and puts every envelope in it (16 senders), visible at once or
    /// only after <paramref name="hidden"/> (time for the app processes to start before the backlog is there).
    /// </summary>
    public static async Task<QueueClient> EnqueueAsync(AzuriteProcess azurite, string queueName, string[] envelopes, TimeSpan? hidden = null)
    {
        var queue = Queue(azurite, queueName);
        await queue.CreateIfNotExistsAsync();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < envelopes.Length; i = Interlocked.Increment(ref next))
            {
                await queue.SendMessageAsync(envelopes[i], hidden, LeadQueue.NeverExpires);
            }
        })));
        return queue;
    }

    public static QueueClient Queue(AzuriteProcess azurite, string name) =>
        new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>The app's settings: delivery on, <c>Destinations__Default=Dataverse</c> at <paramref name="fake"/> without a token, its own journal.</summary>
    public static Dictionary<string, string> Settings(AzuriteProcess azurite, FakeDataverse fake, string queueName, IReadOnlyDictionary<string, string> extra)
    {
        var settings = AppLaunch.Settings(azurite.ConnectionString, queueName, processQueue: true);
        settings["Destinations:Default"] = "Dataverse";
        settings["Destinations:Dataverse:Url"] = fake.Url.ToString().TrimEnd('/');
        settings["Destinations:Dataverse:Credential"] = "None";
        settings["Delivery:JournalTable"] = "Deliveries" + queueName.Replace("-", "", StringComparison.Ordinal);
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    /// <summary>Drained: every lead has its record, and the queue is empty (the messages deleted after delivery).</summary>
    public static async Task<bool> DrainedAsync(FakeDataverse fake, QueueClient queue, int leads) =>
        fake.RecordCount >= leads && (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0;

    /// <summary>Leads with a record (distinct e-mail addresses among the records; each lead has its own).</summary>
    public static int DistinctLeads(FakeDataverse fake) =>
        fake.Leads.Values.Select(l => l["emailaddress1"]?.GetValue<string>()).Distinct(StringComparer.OrdinalIgnoreCase).Count();

    /// <summary>Seconds from the first <c>PATCH</c> to the last record created: the delivery time, app start-up excluded.</summary>
    public static (DateTimeOffset First, double Seconds) CreateSpan(FakeDataverse fake)
    {
        var first = fake.Log.Where(l => l.Method == "PATCH").Min(l => l.At);
        var last = fake.Log.Where(l => l.Method == "PATCH" && l.Status == 204).Max(l => l.At);
        return (first, (last - first).TotalSeconds);
    }

    public static async Task<int> CountAsync(QueueClient queue) =>
        (await queue.ExistsAsync()).Value ? (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;

    /// <summary>
    /// <c>LEADFUNCTIONS_BENCH_TIMELINE=&lt;prefix&gt;</c>: the fake's answers per second from the first <c>PATCH</c>, by
    /// status, to <c>&lt;prefix&gt;-&lt;name&gt;.tsv</c> — where the time goes.
    /// </summary>
    public static async Task WriteTimelineAsync(FakeDataverse fake, DateTimeOffset first, string name)
    {
        if (Environment.GetEnvironmentVariable("LEADFUNCTIONS_BENCH_TIMELINE") is not { Length: > 0 } timeline) return;
        var lines = fake.Log.Where(l => l.At >= first).GroupBy(l => (int)(l.At - first).TotalSeconds).OrderBy(g => g.Key)
            .Select(g => $"{g.Key}\t{string.Join(' ', g.GroupBy(l => l.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Count()}"))}");
        await File.WriteAllLinesAsync($"{timeline}-{name}.tsv", lines);
    }
}
