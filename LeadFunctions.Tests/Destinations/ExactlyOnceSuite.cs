using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Destinations;

/// <summary>
/// The same exactly-once suite for every CRM destination: the whole pipeline — HTTP intake, the real queue in Azurite,
/// the standalone listener, the destination — against the destination's strict fake, for <see cref="LeadCount"/>
/// leads per fault mix (clean, throttling storm, bursts of 5xx, slow successes, a long outage, all at once). Each mix
/// must end with exactly one record per lead, fields as mapped, and an empty poison queue; a permanent failure must
/// put every lead in the poison queue with its reason, and a replay after the fix must deliver each lead once.
/// </summary>
public abstract class ExactlyOnceSuite<TFake>(Azurite azurite, ITestOutputHelper output) : IAsyncLifetime, IDisposable
    where TFake : LoopbackFake
{
    protected const int LeadCount = 60;
    protected static readonly TimeSpan Within = TimeSpan.FromSeconds(60); // generous: how long a run takes depends on the machine, never what it ends with

    private readonly Stopwatch _clock = new();

    protected CapturedLogs Logs { get; } = new();

    protected TFake Fake { get; private set; } = null!;

    /// <summary>The destination's settings pointed at <see cref="Fake"/>, with short timeouts and quick retries.</summary>
    protected abstract Dictionary<string, string?> DestinationSettings();

    /// <summary>At most this many requests may be in flight at once.</summary>
    protected abstract int MaxConcurrency { get; }

    protected abstract Task<TFake> StartFakeAsync();

    /// <summary>The record the lead became.</summary>
    protected abstract JsonObject RecordOf(string leadId);

    /// <summary>The record has the lead's fields as the default mapping puts them (stated independently of the product's code).</summary>
    protected abstract void AssertRecordMatchesTheMapping(JsonObject record, JsonObject lead, string leadId);

    /// <summary>Makes every delivery fail permanently, as an admin's mistake would (a missing permission, field, scope).</summary>
    protected abstract void BreakPermanently();

    /// <summary>The admin's fix of <see cref="BreakPermanently"/>.</summary>
    protected abstract void Fix();

    /// <summary>The poison reason names the destination, the CRM's status and code and what to do.</summary>
    protected abstract void AssertPermanentReason(JsonElement reason);

    /// <summary>Requests one lead takes when all goes well (a lookup and a write are two): the rate limits scale with it.</summary>
    protected virtual int RequestsPerLead => 1;

    /// <summary>How many requests one permanently failing lead may cost: never a retry storm.</summary>
    protected virtual int RequestsPerBrokenLead => 1;

    /// <summary>Requests besides the leads' (a connection check, a token).</summary>
    protected virtual int RequestsBesidesLeads => 0;

    public async Task InitializeAsync() => Fake = await StartFakeAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();

    public void Dispose()
    {
        Logs.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Clean_run_creates_one_record_per_lead_and_logs_no_personal_data()
    {
        await using var app = await StartAppAsync();

        var leads = await PostLeadsAsync(app);

        await AssertEachLeadDeliveredOnceAsync(app, leads);
        Assert.Equal(LeadCount, Fake.Creates);
        Assert.InRange(Fake.MaxConcurrent, 1, MaxConcurrency);
        var logs = Logs.All;
        foreach (var (_, lead) in leads)
        {
            foreach (var field in new[] { "FirstName", "LastName", "Email", "Phone" })
            {
                if (lead["UserDetails"]?[field]?.GetValue<string>() is { Length: > 5 } value) Assert.DoesNotContain(value, logs, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task Throttling_storm_ends_with_every_lead_once()
    {
        Fake.Limit = new ServiceProtectionLimit(Requests: 15 * RequestsPerLead, Window: TimeSpan.FromSeconds(1), RetryAfterSeconds: 1);
        await using var app = await StartAppAsync();

        var leads = await PostLeadsAsync(app);

        await AssertEachLeadDeliveredOnceAsync(app, leads);
        Assert.True(Fake.Throttled < LeadCount, $"{Fake.Throttled} requests were throttled: the app kept hammering");
    }

    [Fact]
    public async Task Bursts_of_5xx_end_with_every_lead_once()
    {
        Fake.FailNextWith503(20);
        Fake.TransientFailureRate = 0.3;
        await using var app = await StartAppAsync();

        var leads = await PostLeadsAsync(app);

        await AssertEachLeadDeliveredOnceAsync(app, leads);
        Assert.True(Fake.Injected503 >= 20);
    }

    [Fact]
    public async Task Slow_successes_past_the_timeout_end_with_every_lead_once()
    {
        Fake.SlowSuccessRate = 0.25;
        Fake.SlowSuccessDelay = TimeSpan.FromSeconds(1.5);
        await using var app = await StartAppAsync(HarnessTimeouts.AnswersLostAfterHalfASecond);

        var leads = await PostLeadsAsync(app);

        await AssertEachLeadDeliveredOnceAsync(app, leads);
        Assert.True(Fake.SlowSuccesses > 0);
        Assert.True(Fake.AlreadyExisted > 0, "no retry found the record a lost answer had created");
        Assert.Equal(LeadCount, Fake.Creates);
    }

    [Fact]
    public async Task Long_outage_compressed_into_seconds_ends_with_every_lead_once_and_no_human()
    {
        Fake.Down = true;
        await using var app = await StartAppAsync(s => s[Setting("Retries")] = "1");

        var leads = await PostLeadsAsync(app);
        // Down until leads have been re-scheduled through the queue several times (delays 0.2 s, 0.4 s, 0.8 s, 1 s …).
        Assert.True(await TestApp.EventuallyAsync(
            () => Task.FromResult(Logs.Entries.Count(e => e.Message.Contains("attempt 4 failed transiently", StringComparison.Ordinal)) >= LeadCount / 2), Within),
            "the leads were not re-scheduled through the queue");
        Fake.Down = false;

        await AssertEachLeadDeliveredOnceAsync(app, leads);
        Assert.True(Fake.Dropped >= 4 * LeadCount, $"only {Fake.Dropped} requests hit the outage");
    }

    [Fact]
    public async Task Every_fault_at_once_ends_with_every_lead_once()
    {
        Fake.Limit = new ServiceProtectionLimit(Requests: 25 * RequestsPerLead, Window: TimeSpan.FromSeconds(1), RetryAfterSeconds: 1);
        Fake.TransientFailureRate = 0.15;
        Fake.SlowSuccessRate = 0.1;
        Fake.SlowSuccessDelay = TimeSpan.FromSeconds(1.5);
        await using var app = await StartAppAsync(HarnessTimeouts.AnswersLostAfterHalfASecond);

        var leads = await PostLeadsAsync(app);
        // An outage in mid-run at any machine speed: once a lead is in (the rate limit leaves most still to go), and
        // until it has cut off requests.
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Fake.RecordCount > 0), Within), $"no lead was delivered: {Fake.Summary}");
        Fake.Down = true;
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Fake.Dropped >= 10), Within), $"the outage cut off {Fake.Dropped} requests, not 10: {Fake.Summary}");
        Fake.Down = false;

        await AssertEachLeadDeliveredOnceAsync(app, leads);
    }

    [Fact]
    public async Task A_permanent_failure_poisons_every_lead_with_the_reason_and_a_replay_after_the_fix_delivers_them_once()
    {
        BreakPermanently();

        // A generous attempt timeout: on a loaded machine a slow answer must not count as a retry of a permanent failure.
        await using var app = await StartAppAsync(settings =>
        {
            settings[Setting("Timeout")] = "00:00:30";
            settings[Setting("TotalTimeout")] = "00:01:00";
        });

        var leads = await PostLeadsAsync(app);

        var poisoned = await WaitForPoisonAsync(app);
        Assert.All(poisoned, reason =>
        {
            Assert.Equal("poison", reason.GetProperty("kind").GetString());
            AssertPermanentReason(reason);
        });
        Assert.InRange(Fake.Requests, LeadCount, LeadCount * RequestsPerBrokenLead + RequestsBesidesLeads); // no retry storm

        Fix();
        Assert.Equal(LeadCount, await app.ReplayPoisonAsync());

        await AssertEachLeadDeliveredOnceAsync(app, leads);
    }

    /// <summary>The name of one of the destination's settings, e.g. <c>Destinations:Salesforce:Retries</c>.</summary>
    protected string Setting(string name) => $"Destinations:{DestinationSettings()["Destinations:Default"]}:{name}";

    protected async Task<TestApp> StartAppAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = DestinationSettings();
        settings["Delivery:FirstRetryDelay"] = "00:00:00.200";
        settings["Delivery:MaxRetryDelay"] = "00:00:01";
        settings["Delivery:MaxAge"] = "01:00:00";
        configure?.Invoke(settings);
        return await TestApp.StartAsync(azurite, settings, s => s.AddSingleton<ILoggerProvider>(Logs));
    }

    /// <summary>
    /// Mostly "Contact me" leads; every 10th an .edu lead without personal details; every 15th far too long for its
    /// fields. Posted by 8 senders at once, like a burst from Partner Center.
    /// </summary>
    protected async Task<List<(string LeadId, JsonObject Lead)>> PostLeadsAsync(TestApp app)
    {
        _clock.Restart();
        var leads = Enumerable.Range(0, LeadCount)
            .Select(i => i % 10 == 9 ? TestLeads.Education(i) : i % 15 == 14 ? TestLeads.Oversized(i) : TestLeads.ContactMe(i, $"Offer {i % 4}"))
            .ToList();
        var ids = new string[LeadCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, LeadCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var response = await app.PostLeadAsync(leads[i].ToJsonString());
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids[i] = (await response.JsonAsync()).GetProperty("leadId").GetString()!;
        });

        Assert.Equal(LeadCount, ids.Distinct().Count());
        return ids.Zip(leads).ToList();
    }

    protected async Task AssertEachLeadDeliveredOnceAsync(TestApp app, List<(string LeadId, JsonObject Lead)> leads)
    {
        var done = await TestApp.EventuallyAsync(async () =>
            Fake.RecordCount >= leads.Count && await TestApp.CountMessagesAsync(app.Queue) == 0, Within);
        output.WriteLine($"{leads.Count} leads settled {_clock.Elapsed.TotalSeconds:0.0} s after the first post; fake: {Fake.Summary}");
        foreach (var group in Logs.Entries.Where(e => e.Level >= LogLevel.Warning).GroupBy(e => (e.Level, e.Category)))
        {
            output.WriteLine($"  {group.Count()} x {group.Key.Level} {group.Key.Category}: {group.First().Message}");
        }

        Assert.True(done, $"after {Within}: {Fake.RecordCount} records, {await TestApp.CountMessagesAsync(app.Queue)} messages queued\n{Tail()}");

        Assert.Equal(leads.Count, Fake.RecordCount);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
        Assert.Empty(Fake.Violations);
        foreach (var (leadId, lead) in leads) AssertRecordMatchesTheMapping(RecordOf(leadId), lead, leadId);
    }

    protected async Task<List<JsonElement>> WaitForPoisonAsync(TestApp app)
    {
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == LeadCount, Within),
            $"{await TestApp.CountMessagesAsync(app.PoisonQueue)} of {LeadCount} leads reached the poison queue\n{Tail()}");
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0, Within));
        Assert.Equal(0, Fake.RecordCount);
        return (await app.PoisonedAsync()).Select(envelope => envelope.GetProperty("lastError")).ToList();
    }

    /// <summary>The reason names the destination, the CRM's status and code, and says (among others) <paramref name="says"/>.</summary>
    protected static void AssertReason(JsonElement reason, string destination, int status, string code, params string[] says)
    {
        Assert.Equal(destination, reason.GetProperty("destination").GetString());
        Assert.Equal(status, reason.GetProperty("status").GetInt32());
        Assert.Equal(code, reason.GetProperty("code").GetString());
        foreach (var text in says) Assert.Contains(text, reason.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    protected static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    protected static string? UserDetail(JsonObject lead, string name) => lead["UserDetails"]?[name]?.GetValue<string>();

    /// <summary>"Azure Marketplace: Contoso Analytics — Contact me", or for an .edu lead "AppSource: contoso.analytics9 — Install".</summary>
    protected static string Subject(JsonObject lead)
    {
        if (UserDetail(lead, "Email") is null) return $"AppSource: {lead["LeadSource"]!.GetValue<string>().Split('|')[1]} — Install";
        var marketplace = lead["LeadSource"]!.GetValue<string>() == "AppSource" ? "AppSource" : "Azure Marketplace";
        return $"{marketplace}: {lead["OfferTitle"]} — {Action(lead)}";
    }

    /// <summary>"Lead source: …", "Action: PLT (Contact me)", then the lead's description.</summary>
    protected static string Notes(JsonObject lead) => UserDetail(lead, "Email") is null
        ? $"Lead source: {lead["LeadSource"]}\nAction: INS (Install)"
        : $"Lead source: {lead["LeadSource"]}\nAction: {lead["ActionCode"]} ({Action(lead)})\n\n{lead["Description"]!.GetValue<string>().Trim()}";

    private static string Action(JsonObject lead) => lead["ActionCode"]!.GetValue<string>() == "PLT" ? "Contact me" : "Start test drive";

    private string Tail() => string.Join("\n", Logs.Entries.TakeLast(15).Select(e => $"{e.Level} {e.Category}: {e.Message}"));
}
