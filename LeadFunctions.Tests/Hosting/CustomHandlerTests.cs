using System.Net;
using System.Text;
using System.Text.Json;
using LeadFunctions.Leads;
using LeadFunctions.Tests.Infrastructure;

namespace LeadFunctions.Tests.Hosting;

/// <summary>
/// Functions mode: the app as the Functions host drives it. Payloads are built the way the host builds them
/// (DESIGN 5): queue message text JSON-encoded as a string, once or twice, metadata values as JSON-encoded strings.
/// </summary>
public sealed class CustomHandlerTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Host_readiness_probe_GET_root_gets_an_answer()
    {
        await using var app = await TestApp.StartAsync(azurite, functionsMode: true);

        var response = await app.Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", app.BaseAddress.Host);
    }

    [Fact]
    public async Task Forwarded_lead_request_is_not_key_checked_again_and_its_code_is_ignored()
    {
        await using var app = await TestApp.StartAsync(azurite, functionsMode: true);

        // The host checked the key already; it forwards the original path and query, code= included.
        var response = await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"), key: "host-checked-this-key");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await TestApp.CountMessagesAsync(app.Queue));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ProcessLead_invocation_delivers_the_message_however_many_times_the_host_encoded_it(int encodings)
    {
        await using var app = await TestApp.StartAsync(azurite, functionsMode: true);
        var envelope = Envelope(RepoPaths.Sample("documented-sample-lead.json"));

        var response = await InvokeAsync(app, envelope.ToJson(), encodings, dequeueCount: 1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("Logs").ValueKind);
        Assert.Equal(1, await app.CountRowsAsync());
    }

    [Fact]
    public async Task ProcessLead_invocation_that_fails_answers_500_with_a_JSON_object_so_the_host_retries()
    {
        // Storage is gone: the table write fails transiently and so does re-scheduling the message.
        var nothingListens = FreePort.Next();
        await using var app = await TestApp.StartAsync(null, functionsMode: true,
            connectionString: Azurite.ConnectionStringFor(nothingListens, nothingListens, nothingListens));

        var response = await InvokeAsync(app, Envelope(RepoPaths.Sample("documented-sample-lead.json")).ToJson(), 1, dequeueCount: 1);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.NotEmpty(body.GetProperty("Logs").EnumerateArray());
    }

    [Fact]
    public async Task ProcessLead_invocation_with_a_message_that_is_not_an_envelope_parks_it_in_poison_and_answers_200()
    {
        await using var app = await TestApp.StartAsync(azurite, functionsMode: true);

        var response = await InvokeAsync(app, "this is not an envelope", 1, dequeueCount: 1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var poisoned = Assert.Single((await app.PoisonQueue.ReceiveMessagesAsync(32)).Value);
        Assert.Equal("this is not an envelope", poisoned.MessageText);
    }

    [Fact]
    public async Task ProcessLead_is_not_reachable_in_standalone_mode()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });

        var response = await InvokeAsync(app, Envelope(RepoPaths.Sample("documented-sample-lead.json")).ToJson(), 1, dequeueCount: 1);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await app.CountRowsAsync());
    }

    [Fact]
    public void Invocation_payload_metadata_is_decoded_from_the_hosts_JSON_encoded_strings()
    {
        var text = Envelope(RepoPaths.Sample("documented-sample-lead.json")).ToJson();
        using var payload = JsonDocument.Parse(HostPayload(text, encodings: 2, dequeueCount: 4));

        var message = LeadFunctions.Hosting.CustomHandler.InvocationRequest.ReadQueueMessage(payload.RootElement);

        Assert.Equal(text, message.Text);
        Assert.Equal(4, message.DequeueCount);
        Assert.Equal("8c3e4a5b-0000-4000-8000-000000000001", message.MessageId);
    }

    internal static LeadEnvelope Envelope(string leadJson)
    {
        using var document = JsonDocument.Parse(leadJson);
        var read = LeadReader.Published.Read(document.RootElement);
        return new LeadEnvelope { LeadId = read.LeadId!, ReceivedAt = DateTimeOffset.UtcNow, Lead = document.RootElement.Clone() };
    }

    /// <summary>The payload as the host sends it: Data.message is the text JSON-encoded <paramref name="encodings"/> times.</summary>
    internal static string HostPayload(string messageText, int encodings, long dequeueCount)
    {
        var data = messageText;
        for (var i = 0; i < encodings; i++) data = JsonSerializer.Serialize(data);
        var id = JsonSerializer.Serialize(JsonSerializer.Serialize("8c3e4a5b-0000-4000-8000-000000000001"));
        var count = JsonSerializer.Serialize(JsonSerializer.Serialize(dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return $$"""
            {
              "Data": { "message": {{data}} },
              "Metadata": {
                "DequeueCount": {{count}},
                "Id": {{id}},
                "PopReceipt": "\"AgAAAAMAAAAAAAAA\"",
                "InsertionTime": "2026-11-26T08:00:00+00:00",
                "ExpirationTime": "9999-12-31T23:59:59+00:00",
                "NextVisibleTime": "2026-11-26T08:10:00+00:00",
                "sys": { "MethodName": "ProcessLead", "UtcNow": "2026-11-26T08:00:01Z", "RandGuid": "00000000-0000-0000-0000-000000000000" }
              }
            }
            """;
    }

    private static Task<HttpResponseMessage> InvokeAsync(TestApp app, string messageText, int encodings, long dequeueCount)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/ProcessLead")
        {
            Content = new StringContent(HostPayload(messageText, encodings, dequeueCount), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        return app.Http.SendAsync(request);
    }
}
