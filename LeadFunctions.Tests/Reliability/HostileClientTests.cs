using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LeadFunctions.Tests.Destinations.HubSpot;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.Reliability;

/// <summary>
/// The adversarial probe of the endpoint, as tests: strangers flooding health, keyed clients sending broken bodies,
/// lead values made to forge log lines, byte-order marks and charsets, and the exact key lookup of the Functions host.
/// Each answers with the status it deserves, enqueues nothing it should not, and leaves no stack trace in the log.
/// </summary>
public sealed class HostileClientTests(Azurite azurite) : IClassFixture<Azurite>
{
    // 1. Health

    [Fact]
    public async Task A_flood_of_anonymous_health_requests_learns_only_up_or_down_makes_at_most_a_few_CRM_calls_and_delays_no_delivery()
    {
        await using var hubSpot = await FakeHubSpot.StartAsync();
        hubSpot.Limit = new ServiceProtectionLimit(Requests: 20, Window: TimeSpan.FromSeconds(10), RetryAfterSeconds: 10); // HubSpot's burst limit
        var logs = new CapturedLogs();
        var settings = HubSpotHarness.SettingsFor(hubSpot);
        var interval = TimeSpan.FromSeconds(2);
        settings["Health:ProbeInterval"] = interval.ToString();
        await using var app = await TestApp.StartAsync(azurite, settings, s => s.AddSingleton<ILoggerProvider>(logs));
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/api/health")).StatusCode);

        // 64 strangers asking as fast as they can for 6 seconds and at least 200 times, while a lead arrives (a slow
        // machine floods for longer; the probes allowed grow with the time it takes).
        var clock = Stopwatch.StartNew();
        var bodies = new System.Collections.Concurrent.ConcurrentBag<string>();
        var flood = Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(6) || bodies.Count < 200) bodies.Add(await (await app.Http.GetAsync("/api/health")).Content.ReadAsStringAsync());
        }));
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(TestLeads.ContactMe(1).ToJsonString())).StatusCode);
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(hubSpot.RecordCount == 1), TimeSpan.FromSeconds(60)), hubSpot.Summary);
        await flood;

        Assert.True(bodies.Count >= 200, $"only {bodies.Count} health requests were made");
        Assert.All(bodies.Distinct(), body => Assert.Matches("""^\{"status":"(Healthy|Degraded|Unhealthy)"\}$""", body)); // up or down, nothing more
        var probes = hubSpot.Log.Count(l => l.Method == "GET" && l.Path.EndsWith("/crm/v3/objects/contacts", StringComparison.Ordinal)); // the health probe
        Assert.InRange(probes, 1, (int)(clock.Elapsed / interval) + 2);
        Assert.Equal(0, hubSpot.Throttled); // the CRM's quota was never spent: no delivery had to wait for it
        Assert.DoesNotContain(logs.Entries, e => e.Category.EndsWith("LeadHealth", StringComparison.Ordinal) && e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_failing_destination_is_logged_once_per_change_not_once_per_health_request()
    {
        await using var hubSpot = await FakeHubSpot.StartAsync();
        var logs = new CapturedLogs();
        var settings = HubSpotHarness.SettingsFor(hubSpot);
        settings["Health:ProbeInterval"] = "00:00:00.001";
        await using var app = await TestApp.StartAsync(azurite, settings, s => s.AddSingleton<ILoggerProvider>(logs));

        hubSpot.Down = true;
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.Http.GetAsync("/api/health")).StatusCode);
        hubSpot.Down = false;
        Assert.True(await TestApp.EventuallyAsync(async () => (await app.Http.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/api/health")).StatusCode);

        var health = logs.Entries.Where(e => e.Category.EndsWith("LeadHealth", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(2, health.Count);
        Assert.Contains("destination is now Unhealthy", health[0], StringComparison.Ordinal);
        Assert.Contains("destination is Healthy again", health[1], StringComparison.Ordinal);
    }

    // 2. Broken bodies

    [Fact]
    public async Task A_malformed_chunked_body_gets_400_with_a_one_line_warning_and_nothing_queued()
    {
        var logs = new CapturedLogs();
        await using var app = await StartAsync(logs);

        var answer = await RawAsync(app, Head(app, "Transfer-Encoding: chunked") + "zz\r\n{\"x\":1}\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        await AssertNothingQueuedAndNoStackTraceAsync(app, logs);
        Assert.Contains(logs.Messages(LogLevel.Warning), m => m.Contains("(malformed)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_content_length_that_is_never_met_and_a_body_at_one_byte_a_second_get_408_and_nothing_queued()
    {
        var logs = new CapturedLogs();
        await using var app = await StartAsync(logs);
        var lead = RepoPaths.Sample("documented-sample-lead.json");

        var neverMet = RawAsync(app, Head(app, $"Content-Length: {lead.Length}") + lead[..10], keepOpen: TimeSpan.FromSeconds(30));
        var trickle = TrickleAsync(app, lead, TimeSpan.FromSeconds(1));

        Assert.StartsWith("HTTP/1.1 408", await neverMet, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 408", await trickle, StringComparison.Ordinal);
        await AssertNothingQueuedAndNoStackTraceAsync(app, logs);
        Assert.Contains(logs.Messages(LogLevel.Warning), m => m.Contains("(too-slow)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_flood_of_keyed_connections_that_send_no_body_gets_no_500()
    {
        var logs = new CapturedLogs();
        await using var app = await StartAsync(logs);

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => RawAsync(app, Head(app, "Content-Length: 500"), keepOpen: TimeSpan.FromSeconds(30))));

        Assert.All(answers, a => Assert.StartsWith("HTTP/1.1 408", a, StringComparison.Ordinal));
        await AssertNothingQueuedAndNoStackTraceAsync(app, logs);
    }

    // 3. Logs

    [Theory]
    [InlineData("Contoso\nfail: forged line")]
    [InlineData("Contoso\u001b[31mred\u001b[0m")]
    [InlineData("Contoso\u2028next\u202Eevil")]
    public async Task Lead_values_cannot_forge_log_lines_or_reach_the_terminal_as_escapes(string hostile)
    {
        var logs = new CapturedLogs();
        await using var app = await StartAsync(logs, processQueue: true);
        var lead = TestLeads.ContactMe(7);
        lead["OfferTitle"] = hostile;
        lead["ActionCode"] = hostile;
        lead["UserDetails"]!["Country"] = hostile;
        lead[hostile] = 1; // an unknown property: its path is logged when a lead is rejected
        var invalid = TestLeads.ContactMe(8);
        invalid[hostile + "x"] = new System.Text.Json.Nodes.JsonObject { ["FirstName"] = new System.Text.Json.Nodes.JsonArray() };
        invalid["UserDetails"]![hostile] = new System.Text.Json.Nodes.JsonArray();
        invalid["UserDetails"]!["FirstName"] = new System.Text.Json.Nodes.JsonObject();

        Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(lead.ToJsonString())).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostLeadAsync(invalid.ToJsonString())).StatusCode);
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(logs.Messages().Any(m => m.Contains("delivered to", StringComparison.Ordinal)))));

        Assert.Contains(logs.Messages(), m => m.Contains("offer Contoso?", StringComparison.Ordinal));
        Assert.All(logs.Entries, e => Assert.DoesNotMatch(@"[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]", e.Message));
    }

    [Fact]
    public async Task Ten_kilobyte_lead_values_are_cut_in_the_log()
    {
        var logs = new CapturedLogs();
        await using var app = await StartAsync(logs, processQueue: true);
        var lead = TestLeads.ContactMe(9);
        lead["OfferTitle"] = new string('O', 10_000);
        lead["UserDetails"]!["Country"] = new string('C', 10_000);

        Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(lead.ToJsonString())).StatusCode);
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(logs.Messages().Any(m => m.Contains("delivered to", StringComparison.Ordinal)))));

        Assert.All(logs.Entries, e => Assert.True(e.Message.Length < 1000, $"a {e.Message.Length}-character log line: {e.Message[..Math.Min(80, e.Message.Length)]}…"));
        Assert.Contains(logs.Messages(), m => m.Contains(new string('O', 63) + "…", StringComparison.Ordinal));
    }

    // 4. Byte-order mark and charset

    [Fact]
    public async Task A_UTF8_byte_order_mark_is_accepted_and_gives_the_same_lead()
    {
        await using var app = await StartAsync(new CapturedLogs());
        var lead = RepoPaths.Sample("documented-sample-lead.json");

        var plain = await app.PostLeadAsync(lead);
        var withMark = await PostBytesAsync(app, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(lead)], "application/json");

        Assert.Equal(HttpStatusCode.Accepted, withMark.StatusCode);
        Assert.Equal(await LeadIdAsync(plain), await LeadIdAsync(withMark));
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16le")]
    [InlineData("UTF-16BE")]
    [InlineData("utf-32")]
    [InlineData("iso-8859-1")]
    public async Task A_declared_charset_is_decoded_and_gives_the_same_lead(string charset)
    {
        await using var app = await StartAsync(new CapturedLogs());
        var lead = """{"UserDetails":{"FirstName":"José","LastName":"Müller","Email":"jm@contoso.example"},"LeadSource":"AzureMarketplace","OfferTitle":"Café"}""";
        var encoding = charset.ToUpperInvariant() switch
        {
            "UTF-16" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            "UTF-16LE" => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
            "UTF-16BE" => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
            "UTF-32" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            _ => Encoding.Latin1,
        };

        var plain = await app.PostLeadAsync(lead);
        var declared = await PostBytesAsync(app, [.. encoding.GetPreamble(), .. encoding.GetBytes(lead)], $"application/json; charset={charset}");

        Assert.Equal(HttpStatusCode.Accepted, declared.StatusCode);
        Assert.Equal(await LeadIdAsync(plain), await LeadIdAsync(declared));
    }

    [Theory]
    [InlineData("windows-1252")]
    [InlineData("shift_jis")]
    [InlineData("euc-kr")]
    public async Task A_charset_the_app_cannot_decode_gets_415_never_a_misread_lead(string charset)
    {
        await using var app = await StartAsync(new CapturedLogs());

        var response = await PostBytesAsync(app, Encoding.UTF8.GetBytes(RepoPaths.Sample("documented-sample-lead.json")), $"application/json; charset={charset}");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }

    [Fact]
    public async Task Bytes_that_are_not_valid_in_the_declared_charset_get_400()
    {
        await using var app = await StartAsync(new CapturedLogs());

        var response = await PostBytesAsync(app, [0x7B, 0x00, 0x00, 0xD8, 0x7D, 0x00], "application/json; charset=utf-16le"); // a lone surrogate

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }

    // 5. Key lookup, as the Functions host does it

    [Fact]
    public async Task A_present_but_empty_key_header_is_not_replaced_by_the_query()
    {
        await using var app = await StartAsync(new CapturedLogs());

        var response = await SendAsync(app, TestApp.LeadsPath(TestApp.Key), [""]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Of_repeated_keys_the_first_counts_and_they_are_never_joined()
    {
        await using var app = await StartAsync(new CapturedLogs());
        var lead = RepoPaths.Sample("documented-sample-lead.json");
        string Repeated(string first, string second) =>
            $"POST /api/leads HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\nContent-Type: application/json\r\nx-functions-key: {first}\r\n" +
            $"x-functions-key: {second}\r\nContent-Length: {Encoding.UTF8.GetByteCount(lead)}\r\n\r\n{lead}";

        Assert.StartsWith("HTTP/1.1 202", await RawAsync(app, Repeated(TestApp.Key, "wrong")), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 401", await RawAsync(app, Repeated("wrong", TestApp.Key)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(app, "/api/leads", [TestApp.Key, TestApp.SecondKey])).StatusCode); // one header, "k1, k2"
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(app, $"/api/leads?code={TestApp.Key}&code=wrong", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(app, $"/api/leads?code=wrong&code={TestApp.Key}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(app, $"/api/leads?code={TestApp.Key},{TestApp.SecondKey}", null)).StatusCode);
    }

    private Task<TestApp> StartAsync(CapturedLogs logs, bool processQueue = false) =>
        TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = processQueue ? "true" : "false" },
            s => s.AddSingleton<ILoggerProvider>(logs));

    private static string Head(TestApp app, string framing) =>
        $"POST {TestApp.LeadsPath()} HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n";

    /// <summary>Sends raw bytes and reads the answer's first line, holding the connection open meanwhile (a raw socket: HttpClient cannot send broken requests).</summary>
    private static async Task<string> RawAsync(TestApp app, string request, TimeSpan? keepOpen = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        return await ReadStatusLineAsync(stream, keepOpen ?? TimeSpan.FromSeconds(10));
    }

    private static async Task<string> TrickleAsync(TestApp app, string lead, TimeSpan interval)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Head(app, $"Content-Length: {Encoding.UTF8.GetByteCount(lead)}")));
        var answer = ReadStatusLineAsync(stream, TimeSpan.FromSeconds(30));
        foreach (var b in Encoding.UTF8.GetBytes(lead))
        {
            if (answer.IsCompleted) break;
            try
            {
                await stream.WriteAsync(new[] { b });
            }
            catch (IOException)
            {
                break; // the server answered and closed the connection
            }

            await Task.WhenAny(answer, Task.Delay(interval)); // real time: Kestrel's minimum body rate is measured in real time
        }

        return await answer;
    }

    private static async Task<string> ReadStatusLineAsync(NetworkStream stream, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[512];
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (OperationCanceledException)
        {
            return "no answer";
        }
    }

    private static async Task<HttpResponseMessage> PostBytesAsync(TestApp app, byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return await app.Http.PostAsync(TestApp.LeadsPath(), content);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, string path, string[]? keyHeaders)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(RepoPaths.Sample("documented-sample-lead.json"), Encoding.UTF8, "application/json"),
        };
        if (keyHeaders is not null) request.Headers.TryAddWithoutValidation("x-functions-key", keyHeaders);
        return await app.Http.SendAsync(request);
    }

    private static async Task<string?> LeadIdAsync(HttpResponseMessage response) => (await response.JsonAsync()).GetProperty("leadId").GetString();

    private static async Task AssertNothingQueuedAndNoStackTraceAsync(TestApp app, CapturedLogs logs)
    {
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("   at ", StringComparison.Ordinal) || e.Details.Contains(" exception ", StringComparison.Ordinal));
    }
}
