using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CsCheck;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Tests.Leads;
using Xunit.Abstractions;

namespace LeadFunctions.Tests.Reliability;

/// <summary>
/// Invariant 4 (bad input never causes a 5xx and never reaches the queue) and the lead id's stability, over thousands
/// of generated bodies and headers (<see cref="LeadGen"/>). Set CsCheck_Seed to replay a failure CsCheck reports.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class IntakePropertyTests(Azurite azurite, ITestOutputHelper output)
{
    private static readonly JsonDocumentOptions IntakeParsing = new() { MaxDepth = 64 };

    private static long Iterations(long normal) => ReliabilityCollection.LongRun ? normal * 10 : normal;

    [Fact]
    public void Optimised_reader_gives_the_same_id_problems_notes_and_lead_as_the_reference_reader()
    {
        var compared = 0;
        LeadGen.Body.Sample(body =>
        {
            if (Parse(body) is not { } document) return;
            using (document)
            {
                var actual = LeadReader.Published.Read(document.RootElement);
                LeadReadResult expected;
                try
                {
                    expected = ReferenceLeadReader.Published.Read(document.RootElement);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // The reference threw on text that is not Unicode: a 500 before, refused with a 400 now.
                    Assert.True(IsRefusedAsNotText(actual), $"the reference threw ({e.Message}), the reader answered {string.Join("; ", actual.Errors)}");
                    return;
                }

                if (IsRefusedAsNotText(actual))
                {
                    // The reference read only the parts it kept; the envelope carries the whole payload, and writing that
                    // failed: a 503 (or 500) before, a 400 now.
                    Assert.ThrowsAny<Exception>(() => new LeadEnvelope { LeadId = "x", ReceivedAt = default, Lead = document.RootElement }.ToJson());
                    return;
                }

                Interlocked.Increment(ref compared);
                Assert.Equal(expected.LeadId, actual.LeadId);
                Assert.Equal(expected.Errors, actual.Errors);
                Assert.Equal(expected.Notes, actual.Notes);
                if (expected.Lead is { } lead)
                {
                    Assert.Equal(lead with { Canonical = actual.Lead!.Canonical }, actual.Lead);
                    Assert.Equal(lead.Canonical.ToJsonString(), actual.Lead.Canonical.ToJsonString());
                }
            }
        }, iter: Iterations(5_000), threads: 1);
        output.WriteLine($"bodies {Iterations(5_000)}, compared with the reference reader {compared} (the rest do not parse, or are not Unicode text)");
        Assert.True(compared > 2_000, $"only {compared} bodies were comparable");
    }

    [Fact]
    public void Reader_never_throws_and_every_lead_it_accepts_reads_back_from_its_envelope_with_the_same_id()
    {
        var leads = 0;
        var rejected = 0;
        LeadGen.Body.Sample(body =>
        {
            if (Parse(body) is not { } document) return;
            using (document)
            {
                var read = LeadReader.Published.Read(document.RootElement);
                Assert.Equal(read.Lead is null, read.LeadId is null);
                if (read.Lead is null)
                {
                    Interlocked.Increment(ref rejected);
                    Assert.NotEmpty(read.Errors);
                    Assert.All(read.Errors, p => Assert.StartsWith("$", p.Path, StringComparison.Ordinal));
                    return;
                }

                var envelope = new LeadEnvelope { LeadId = read.LeadId!, ReceivedAt = DateTimeOffset.UnixEpoch, Lead = document.RootElement };
                var back = LeadEnvelope.TryParse(envelope.ToJson(), out var reason) ?? throw new InvalidOperationException(reason);
                Assert.Equal(read.LeadId, LeadReader.Published.Read(back.Lead).LeadId);
                _ = read.Lead.Canonical.ToJsonString();
                _ = read.Lead.IsTestLead;
                Interlocked.Increment(ref leads);
            }
        }, iter: Iterations(10_000));
        output.WriteLine($"bodies {Iterations(10_000)}: leads {leads}, rejected with problems {rejected}, not JSON {Iterations(10_000) - leads - rejected}");
    }

    [Fact]
    public async Task Intake_over_HTTP_never_answers_5xx_and_enqueues_exactly_the_leads_it_answered_202_for()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });
        var accepted = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();

        await Gen.Select(LeadGen.Body, LeadGen.ContentType, LeadGen.Key).SampleAsync(async (body, contentType, key) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, key switch
            {
                KeyUse.Query => TestApp.LeadsPath(),
                KeyUse.SecondKey => TestApp.LeadsPath(TestApp.SecondKey),
                KeyUse.Wrong => TestApp.LeadsPath("wrong-key"),
                KeyUse.WrongCase => TestApp.LeadsPath(TestApp.Key.ToUpperInvariant()),
                _ => TestApp.LeadsPath(null),
            });
            if (key == KeyUse.Header) request.Headers.Add("x-functions-key", TestApp.Key);
            request.Content = new ByteArrayContent(body);
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

            using var response = await app.Http.SendAsync(request);
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{status} for a body of {body.Length} bytes, content type '{contentType}': {await response.Content.ReadAsStringAsync()}");

            var authorized = key is KeyUse.Query or KeyUse.Header or KeyUse.SecondKey;
            if (!authorized)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                return;
            }

            var expectedId = ExpectedLeadId(body);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Accepted:
                    var leadId = (await response.JsonAsync()).GetProperty("leadId").GetString()!;
                    Assert.Equal(expectedId, leadId);
                    accepted.Add(leadId);
                    break;
                case HttpStatusCode.BadRequest:
                    Assert.Null(expectedId);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    var errors = (await response.JsonAsync()).GetProperty("errors");
                    Assert.True(errors.GetArrayLength() > 0);
                    foreach (var error in errors.EnumerateArray()) Assert.StartsWith("$", error.GetProperty("path").GetString(), StringComparison.Ordinal);
                    break;
                case HttpStatusCode.RequestEntityTooLarge:
                    Assert.True(body.Length > 64 * 1024 || EnvelopeBytes(body) > LeadQueue.MaxMessageBytes - LeadQueue.RetryHeadroomBytes - 512, $"413 for {body.Length} bytes");
                    break;
                case HttpStatusCode.UnsupportedMediaType:
                    Assert.NotNull(contentType);
                    break;
                default:
                    Assert.Fail($"unexpected {response.StatusCode}");
                    break;
            }

            if (expectedId is not null && EnvelopeBytes(body) < LeadQueue.MaxMessageBytes - LeadQueue.RetryHeadroomBytes - 512 && contentType is "application/json" or null)
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
        }, iter: Iterations(1_500), threads: 4);

        var queued = await DrainAsync(app);
        output.WriteLine($"requests {Iterations(1_500)}: {string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{(int)p.Key} x{p.Value}"))}; " +
                         $"enqueued {queued.Count}, all re-read with their id; 5xx 0");
        Assert.Equal(accepted.Order(), queued.Order());
        Assert.True(accepted.Count > 300, $"only {accepted.Count} of the generated requests were leads: {string.Join(", ", statuses)}");
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    private static bool IsRefusedAsNotText(LeadReadResult read) =>
        read.Errors is [{ Path: "$", Message: var message }] && message.Contains("not valid Unicode", StringComparison.Ordinal);

    /// <summary>What the endpoint should answer for a body with a good key and content type: the lead id, or null for a 400.</summary>
    private static string? ExpectedLeadId(byte[] body)
    {
        if (body.AsSpan().StartsWith("\uFEFF"u8)) body = body[3..]; // a UTF-8 byte-order mark is ignored (RFC 8259)
        if (body.Length == 0 || Parse(body) is not { } document) return null;
        using (document) return LeadReader.Published.Read(document.RootElement).LeadId;
    }

    /// <summary>About what the lead's queue message weighs (base64 of its envelope, less the trace context).</summary>
    private static int EnvelopeBytes(byte[] body)
    {
        if (Parse(body) is not { } document) return body.Length * 4 / 3;
        using (document)
        {
            var json = new LeadEnvelope { LeadId = new string('0', 32), ReceivedAt = DateTimeOffset.UtcNow, Lead = document.RootElement }.ToJson();
            return (System.Text.Encoding.UTF8.GetByteCount(json) + 2) / 3 * 4;
        }
    }

    private static JsonDocument? Parse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body, IntakeParsing);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every message on the lead queue, each checked to be an envelope whose lead re-reads with the same id.</summary>
    private static async Task<List<string>> DrainAsync(TestApp app)
    {
        var ids = new List<string>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var batch = (await app.Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0) break;
            foreach (var message in batch)
            {
                var envelope = LeadEnvelope.TryParse(message.MessageText, out var reason);
                Assert.True(envelope is not null, reason);
                Assert.Equal(envelope.LeadId, LeadReader.Published.Read(envelope.Lead).LeadId);
                ids.Add(envelope.LeadId);
            }
        }

        return ids;
    }
}
