using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using LeadFunctions.Intake;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LeadFunctions.Tests.Intake;

/// <summary>
/// Every refusal of intake (docs/design.md, "Endpoint answers"), in memory: <see cref="LeadIntake"/> given a
/// request built in memory and a Moq double of the queue. For each: the status, the problem details (title, type,
/// detail, errors), the reason counted in <c>leads.rejected</c>, and that nothing reached the queue. The key check
/// (401) is the host's, before intake: ReceiveLeadTests covers it over HTTP.
/// </summary>
public sealed class LeadIntakeSpecs
{
    private const int MaxBodyBytes = 4096;
    private const string Lead = """{"UserDetails":{"FirstName":"Ada","LastName":"Lovelace","Email":"ada@contoso.example"},"OfferTitle":"Contoso"}""";

    /// <summary>The refusals: what is posted, and the answer.</summary>
    private static readonly Refusal[] Table =
    [
        // name                                  request                                                                 status  title                          reason / problem type   detail or error says
        new("empty body",                        Post(""),                                                               400, "Not a lead",                    "invalid",          Errors: ["$: The body is empty."]),
        new("not JSON",                          Post("not json at all"),                                                400, "Not a lead",                    "invalid",          Says: "Not valid JSON (line 1, byte 2)"),
        new("JSON cut short",                    Post("""{"UserDetails": {"Email": "a@b.c"}"""),                         400, "Not a lead",                    "invalid",          Says: "Not valid JSON"),
        new("JSON nested too deep",              Post(new string('[', 100) + new string(']', 100)),                      400, "Not a lead",                    "invalid",          Says: "Not valid JSON"),
        new("bytes not valid in the charset",    Post([0x7B, 0x00, 0x00], "application/json; charset=utf-32"),           400, "Not a lead",                    "invalid",          Errors: ["$: The body is not valid UTF-32 text."]),
        new("a JSON array, not an object",       Post("[]"),                                                             400, "Not a lead",                    "invalid",          Paths: ["$"]),
        new("a string where user details belong", Post("""{"UserDetails":"Some One"}"""),                                400, "Not a lead",                    "invalid",          Paths: ["$.UserDetails"]),
        new("a charset the app does not decode", Post(Lead, "application/json; charset=EBCDIC"),                         415, "Unsupported content type",      "content-type",     Says: "application/json"),
        new("content type text/plain",           Post(Lead, "text/plain"),                                               415, "Unsupported content type",      "content-type"),
        new("content type form",                 Post(Lead, "application/x-www-form-urlencoded"),                        415, "Unsupported content type",      "content-type"),
        new("content type XML",                  Post(Lead, "application/xml"),                                          415, "Unsupported content type",      "content-type"),
        new("Content-Encoding gzip",             Post(Lead, encoding: "gzip"),                                           415, "Unsupported content encoding",  "content-encoding", Says: "uncompressed"),
        new("Content-Encoding br after identity", Post(Lead, encoding: "identity, br"),                                  415, "Unsupported content encoding",  "content-encoding"),
        new("Content-Length over the limit",     Post(Lead, length: MaxBodyBytes + 1),                                   413, "Lead too large",                "too-large",        Says: $"larger than {MaxBodyBytes} bytes"),
        new("a body over the limit, no length",  Post(new string(' ', MaxBodyBytes + 1) + Lead, length: null),           413, "Lead too large",                "too-large",        Says: $"larger than {MaxBodyBytes} bytes"),
        new("Kestrel: body too large",           Failing(new BadHttpRequestException("too large", 413)),                 413, "Lead too large",                "too-large"),
        new("Kestrel: body too slow",            Failing(new BadHttpRequestException("too slow", 408)),                  408, "Body too slow",                 "too-slow"),
        new("Kestrel: broken chunked framing",   Failing(new BadHttpRequestException("bad chunk", 400)),                 400, "Malformed request",             "malformed"),
        new("the client went away mid-body",     Failing(new IOException("connection reset"), aborted: true),            400, "Request aborted",               "aborted"),
    ];

    public static TheoryData<string> Refusals => new(Table.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusal_table(string name)
    {
        var row = Table.Single(r => r.Name == name);
        var intake = new World();
        var request = row.Request();

        var problem = await intake.RefusedAsync(request);

        Assert.Equal(row.Status, problem.StatusCode);
        Assert.Equal(row.Status, problem.ProblemDetails.Status);
        Assert.Equal(row.Title, problem.ProblemDetails.Title);
        Assert.Equal($"urn:leadfunctions:problem:{(row.Reason == "invalid" ? "invalid-lead" : row.Reason)}", problem.ProblemDetails.Type);
        Assert.Equal([row.Reason], intake.Rejected);
        if (row.Says is { } says) Assert.Contains(says, problem.ProblemDetails.Detail, StringComparison.Ordinal);
        if (row.Errors is { } errors) Assert.Equal(errors, Errors(problem).Select(e => $"{e.Path}: {e.Message}"));
        if (row.Paths is { } paths) Assert.Equal(paths, Errors(problem).Select(e => e.Path));
        if (row.Reason == "invalid") Assert.NotEmpty(Errors(problem));
        else Assert.False(problem.ProblemDetails.Extensions.ContainsKey("errors"));
        Assert.Empty(intake.Queued);
        Assert.False(request.HttpContext.Response.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task Storage_down_is_503_with_Retry_After_and_nothing_accepted()
    {
        var intake = new World(storageDown: true, retryAfterSeconds: 17);
        var request = Post(Lead)();

        var problem = await intake.RefusedAsync(request);

        Assert.Equal(503, problem.StatusCode);
        Assert.Equal("Lead not stored", problem.ProblemDetails.Title);
        Assert.Equal("urn:leadfunctions:problem:not-stored", problem.ProblemDetails.Type);
        Assert.Equal("17", request.HttpContext.Response.Headers.RetryAfter.ToString());
        Assert.Equal(["not-stored"], intake.Rejected);
    }

    [Fact]
    public async Task Lead_under_the_body_limit_but_too_large_for_one_queue_message_is_413_and_not_sent()
    {
        var intake = new World(maxBodyBytes: 1024 * 1024);
        var description = new string('x', LeadQueue.MaxMessageBytes);
        var request = Post($$"""{"UserDetails":{"LastName":"Lovelace"},"OfferTitle":"Contoso","Description":"{{description}}"}""")();

        var problem = await intake.RefusedAsync(request);

        Assert.Equal(413, problem.StatusCode);
        Assert.Equal("Lead too large", problem.ProblemDetails.Title);
        Assert.Contains($"at most {LeadQueue.MaxMessageBytes} bytes once encoded", problem.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Equal(["too-large"], intake.Rejected);
        Assert.Empty(intake.Queued);
    }

    [Fact]
    public async Task Every_non_string_where_a_string_belongs_is_listed_with_its_path()
    {
        var intake = new World();
        var body = """
            {"UserDetails":{"FirstName":{},"LastName":{},"Email":{},"Phone":{},"Country":{},"Company":{},"Title":{}},
             "OfferTitle":{},"Description":{},"LeadSource":{},"ActionCode":{}}
            """;

        var problem = await intake.RefusedAsync(Post(body)());

        Assert.Equal(400, problem.StatusCode);
        Assert.Equal(
            ["$.ActionCode", "$.Description", "$.LeadSource", "$.OfferTitle", "$.UserDetails.Company", "$.UserDetails.Country", "$.UserDetails.Email",
             "$.UserDetails.FirstName", "$.UserDetails.LastName", "$.UserDetails.Phone", "$.UserDetails.Title"],
            Errors(problem).Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(Errors(problem), e => Assert.Equal("Value is \"object\" but should be \"string\"", e.Message));
        Assert.DoesNotContain("more problems not listed", problem.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Equal(["invalid"], intake.Rejected);
        Assert.Empty(intake.Queued);
    }

    public static TheoryData<string, string?, string?> Accepted => new()
    {
        { "no content type at all", null, null },
        { "JSON with a UTF-8 charset", "application/json; charset=utf-8", null },
        { "a +json type", "application/vnd.lead+json", null },
        { "Content-Encoding identity", "application/json", "identity" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task Leniency_what_looks_like_a_refusal_but_is_accepted(string name, string? contentType, string? encoding)
    {
        var intake = new World();

        var result = await intake.Processor.ReceiveAsync(Post(Lead, contentType, encoding)());

        var accepted = Assert.IsType<Accepted<LeadAccepted>>(result.Result);
        Assert.True(accepted.StatusCode == 202, name);
        Assert.Single(intake.Queued);
        Assert.Empty(intake.Rejected);
    }

    private static IReadOnlyList<LeadFinding> Errors(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("errors", out var errors) ? (LeadFinding[])errors! : [];

    private static Func<HttpRequest> Post(string body, string? contentType = "application/json", string? encoding = null, long? length = -1) =>
        Post(Encoding.UTF8.GetBytes(body), contentType, encoding, length);

    private static Func<HttpRequest> Post(byte[] body, string? contentType = "application/json", string? encoding = null, long? length = -1) =>
        () => Request(new MemoryStream(body), contentType, encoding, length == -1 ? body.Length : length);

    /// <summary>A request whose body fails as Kestrel's does: too large, too slow, malformed, or the client gone.</summary>
    private static Func<HttpRequest> Failing(Exception failure, bool aborted = false) =>
        () =>
        {
            var request = Request(new FailingStream(failure), "application/json", null, null);
            if (aborted) request.HttpContext.RequestAborted = new CancellationToken(canceled: true);
            return request;
        };

    private static HttpRequest Request(Stream body, string? contentType, string? encoding, long? length)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/api/leads";
        context.Request.Body = body;
        context.Request.ContentType = contentType;
        context.Request.ContentLength = length;
        if (encoding is not null) context.Request.Headers.ContentEncoding = encoding;
        return context.Request;
    }

    private sealed record Refusal(string Name, Func<HttpRequest> Request, int Status, string Title, string Reason, string? Says = null, string[]? Errors = null, string[]? Paths = null);

    /// <summary>LeadIntake (<see cref="Processor"/>) with a Moq queue (that records or fails), and the reasons it counted.</summary>
    private sealed class World
    {
        public World(bool storageDown = false, int retryAfterSeconds = 30, int maxBodyBytes = MaxBodyBytes)
        {
            var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Scope == meters && instrument.Name == "leads.rejected") l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                foreach (var tag in tags) if (tag.Key == "reason") lock (Rejected) Rejected.Add((string)tag.Value!);
            });
            listener.Start();

            var trigger = Options.Create(new QueueTriggerOptions());
            var storage = new LeadStorage(Options.Create(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }), trigger);
            var queue = new Mock<QueueClient>(MockBehavior.Strict);
            queue.SetupGet(q => q.Name).Returns("leads");
            var send = queue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()));
            if (storageDown)
            {
                send.ThrowsAsync(new RequestFailedException(503, "Service Unavailable"));
            }
            else
            {
                send.ReturnsAsync((string text, TimeSpan? _, TimeSpan? _, CancellationToken _) =>
                {
                    lock (Queued) Queued.Add(text);
                    var now = DateTimeOffset.UnixEpoch;
                    return Response.FromValue(QueuesModelFactory.SendReceipt("id", now, now, "pop", now), Mock.Of<Response>());
                });
            }

            // LeadStorage builds its own queue clients and LeadQueue is sealed: there is no seam for a queue double, so
            // the spec puts its double where the client is kept (the property's backing field).
            (typeof(LeadStorage).GetField($"<{nameof(LeadStorage.LeadQueue)}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
             ?? throw new InvalidOperationException("LeadStorage.LeadQueue is no longer an auto-property; give the spec another way to put a queue double there."))
                .SetValue(storage, queue.Object);

            Processor = new LeadIntake(
                Options.Create(new IntakeOptions { MaxBodyBytes = maxBodyBytes, RetryAfterSeconds = retryAfterSeconds }),
                new LeadQueue(storage, new LeadQueueSignal()),
                new RecentLeads(),
                new LeadMetrics(meters),
                new FakeTimeProvider(),
                NullLogger<LeadIntake>.Instance);
        }

        public LeadIntake Processor { get; }

        public List<string> Queued { get; } = [];

        public List<string> Rejected { get; } = [];

        public async Task<ProblemHttpResult> RefusedAsync(HttpRequest request)
        {
            var result = await Processor.ReceiveAsync(request);
            return Assert.IsType<ProblemHttpResult>(result.Result);
        }
    }

    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(failure);

        public override int Read(byte[] buffer, int offset, int count) => throw failure;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
