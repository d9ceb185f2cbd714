using System.Net;
using System.Text;
using System.Text.Json;
using LeadFunctions.Leads;

namespace LeadFunctions.Tests.Intake;

/// <summary>The validation matrix of <c>POST /api/leads</c>, over HTTP against the real app and a real Azurite queue.</summary>
public sealed class ReceiveLeadTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    // Intake only: no listener takes messages off the queue while a test looks at them.
    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string> Accepted => new()
    {
        { "documented sample", RepoPaths.Sample("documented-sample-lead.json") },
        { "documented test lead", RepoPaths.Sample("test-lead-lowercase.json") },
        { "phone as a number", """{"UserDetails":{"Phone":16175555555,"LastName":"One"},"OfferTitle":"X"}""" },
        { "nulls", """{"UserDetails":{"FirstName":null,"LastName":"One"},"Description":null,"OfferTitle":"X"}""" },
        { "extra properties", """{"OfferTitle":"X","OfferId":"contoso.x","UserDetails":{"LastName":"One","Linkedin":"in/one"},"Extra":{"a":[1,2]}}""" },
        { "Korean", """{"UserDetails":{"FirstName":"민준","LastName":"김","Company":"삼성"},"OfferTitle":"X"}""" },
        { "Arabic", """{"UserDetails":{"FirstName":"محمد","LastName":"العربي"},"OfferTitle":"X"}""" },
        { "emoji", """{"UserDetails":{"FirstName":"Zoë 🚀","LastName":"O'Brien 👩‍💻"},"OfferTitle":"X"}""" },
        { "edu lead without user details", """{"ActionCode":"INS","LeadSource":"AppSource","OfferTitle":"Contoso","UserDetails":{}}""" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task Leads_are_accepted_with_202_and_a_stable_id_only_after_they_are_in_the_queue(string name, string json)
    {
        var response = await _app.PostLeadAsync(json);

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var leadId = (await response.JsonAsync()).GetProperty("leadId").GetString();
        var envelope = await PeekEnvelopeAsync(leadId!);
        Assert.Equal(1, envelope.Attempt);
        Assert.Equal(LeadEnvelope.CurrentVersion, envelope.Version);
        using var posted = JsonDocument.Parse(json);
        Assert.True(JsonElement.DeepEquals(posted.RootElement, envelope.Lead), "the envelope carries the lead as it was posted");
    }

    [Fact]
    public async Task Queued_message_never_expires_and_is_base64_encoded_as_host_json_says()
    {
        var response = await _app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"));
        var leadId = (await response.JsonAsync()).GetProperty("leadId").GetString()!;

        var raw = azurite.Queue(_app.QueueName, base64: false);
        var message = (await raw.PeekMessagesAsync(32)).Value.Single(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText)).Contains(leadId, StringComparison.Ordinal));
        Assert.True(message.ExpiresOn > DateTimeOffset.UtcNow.AddYears(1000), $"expires {message.ExpiresOn}");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("[{\"OfferTitle\":\"X\"}]")]
    [InlineData("\"a lead\"")]
    [InlineData("null")]
    [InlineData("{\"UserDetails\": {\"Email\": \"a@b.c\"")]
    [InlineData("{\"OfferTitle\": 'single'}")]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("{\"UserDetails\":\"Some One\"}")]
    public async Task What_is_not_a_lead_gets_400_problem_details_with_paths_and_never_reaches_the_queue(string body)
    {
        var response = await _app.PostLeadAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.All(problem.GetProperty("errors").EnumerateArray(), e => Assert.StartsWith("$", e.GetProperty("path").GetString(), StringComparison.Ordinal));
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(0, await TestApp.CountMessagesAsync(_app.Queue));
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_400_not_a_crash()
    {
        var body = "{\"OfferTitle\":\"X\",\"Extra\":" + new string('[', 5000) + new string(']', 5000) + "}";

        var response = await _app.PostLeadAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await TestApp.CountMessagesAsync(_app.Queue));
    }

    [Fact]
    public async Task Body_over_the_limit_gets_413_from_its_content_length()
    {
        var huge = "{\"Description\":\"" + new string('x', 70 * 1024) + "\"}";

        var response = await _app.PostLeadAsync(huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await TestApp.CountMessagesAsync(_app.Queue));
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_gets_413_without_reading_it_all()
    {
        // A raw socket, because HttpClient gives up on the response once the server stops reading the body.
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(_app.BaseAddress.Host, _app.BaseAddress.Port);
        var stream = client.GetStream();
        var head = $"POST {TestApp.LeadsPath()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var chunk = Encoding.ASCII.GetBytes($"4000\r\n{new string(' ', 0x4000)}\r\n");
        var sent = 0L;
        try
        {
            for (var i = 0; i < 1024; i++)
            {
                await stream.WriteAsync(chunk);
                sent += 0x4000;
            }
        }
        catch (IOException)
        {
            // The server answered and closed the connection: it stopped reading, as it should.
        }

        var answer = new byte[256];
        var read = await stream.ReadAsync(answer);
        Assert.StartsWith("HTTP/1.1 413", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
        Assert.True(sent < 8 * 1024 * 1024, $"the server took {sent} bytes of a 16 MiB body");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Wrong_content_type_gets_415(string contentType)
    {
        var response = await _app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"), contentType: contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await TestApp.CountMessagesAsync(_app.Queue));
    }

    [Fact]
    public async Task Missing_content_type_is_accepted_because_the_body_is_a_lead()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(RepoPaths.Sample("documented-sample-lead.json")));

        var response = await _app.Http.PostAsync(TestApp.LeadsPath(), content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong")]
    [InlineData("test-key-1 ")]
    [InlineData("TEST-KEY-1")]
    public async Task Missing_or_wrong_key_gets_401_without_detail_and_nothing_is_queued(string? key)
    {
        var response = await _app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"), key: key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("key", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await TestApp.CountMessagesAsync(_app.Queue));
    }

    [Fact]
    public async Task Every_configured_key_works_and_the_header_wins_over_the_query()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"), key: TestApp.SecondKey)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, TestApp.LeadsPath("wrong"))
        {
            Content = new StringContent(RepoPaths.Sample("documented-sample-lead.json"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", TestApp.Key);
        Assert.Equal(HttpStatusCode.Accepted, (await _app.Http.SendAsync(request)).StatusCode);

        using var wrongHeader = new HttpRequestMessage(HttpMethod.Post, TestApp.LeadsPath(TestApp.Key))
        {
            Content = new StringContent(RepoPaths.Sample("documented-sample-lead.json"), Encoding.UTF8, "application/json"),
        };
        wrongHeader.Headers.Add("x-functions-key", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Http.SendAsync(wrongHeader)).StatusCode);
    }

    private async Task<LeadEnvelope> PeekEnvelopeAsync(string leadId)
    {
        var messages = (await _app.Queue.PeekMessagesAsync(32)).Value;
        var envelopes = messages.Select(m => LeadEnvelope.TryParse(m.MessageText, out _)).Where(e => e?.LeadId == leadId).ToList();
        return Assert.Single(envelopes)!;
    }

    /// <summary>Streams a body of unknown length (chunked transfer encoding), as a misbehaving client might.</summary>
    private sealed class PushStreamContentOf(Func<Stream, Task> write) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => write(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
