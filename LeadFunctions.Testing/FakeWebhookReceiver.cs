using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LeadFunctions.Testing;

/// <summary>
/// A webhook receiver on loopback: it records every request (<see cref="Received"/>) and answers <c>200</c>, or the next
/// <see cref="Script"/>ed answer (e.g. <c>503</c>, <c>429</c> with <c>Retry-After</c>, <c>410</c>), or one of the faults
/// every fake has. It drops repeats by <c>webhook-id</c> as a receiver should: <see cref="RecordCount"/> counts ids.
/// </summary>
public sealed class FakeWebhookReceiver : LoopbackFake
{
    private readonly ConcurrentDictionary<string, string> _accepted = new();

    private FakeWebhookReceiver(int seed)
        : base(seed)
    {
    }

    /// <summary>Every request, in the order they arrived.</summary>
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The answers to the next requests, in order: status, <c>Retry-After</c> (or null) and body.</summary>
    public ConcurrentQueue<(int Status, string? RetryAfter, string Body)> Script { get; } = new();

    /// <summary>The bodies accepted, by <c>webhook-id</c> (the first of each).</summary>
    public IReadOnlyDictionary<string, string> Accepted => _accepted;

    public override int RecordCount => _accepted.Count;

    public static Task<FakeWebhookReceiver> StartAsync(int seed = 1618) => StartAsync(new FakeWebhookReceiver(seed));

    protected override async Task<int> AnswerAsync(HttpContext context, int concurrent)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var status = await AnswerOneAsync(context, body);
        Received.Enqueue(new ReceivedWebhook(
            request.Path.Value + request.QueryString.Value, Header("webhook-id"), Header("webhook-timestamp"), Header("webhook-signature"),
            request.ContentType, body, Header("Authorization"), status));
        return status;

        string? Header(string name) => request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
    }

    protected override Task<int> ErrorAsync(HttpResponse response, int status, string code, string message) =>
        JsonAsync(response, status, new JsonObject { ["error"] = code, ["message"] = message });

    protected override Task<int> ThrottleAsync(HttpResponse response, ServiceProtectionLimit? limit)
    {
        response.Headers.RetryAfter = (limit?.RetryAfterSeconds ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ErrorAsync(response, 429, "TooManyRequests", "Slow down.");
    }

    private async Task<int> AnswerOneAsync(HttpContext context, string body)
    {
        if (Script.TryDequeue(out var scripted))
        {
            if (scripted.RetryAfter is { } wait) context.Response.Headers.RetryAfter = wait;
            context.Response.StatusCode = scripted.Status;
            await context.Response.WriteAsync(scripted.Body);
            return scripted.Status;
        }

        if (await FaultAsync(context, 0) is { } fault) return fault;
        if (context.Request.Headers["webhook-id"].ToString() is not { Length: > 0 } id)
        {
            return await ViolationAsync(context.Response, "NoId", "a request without webhook-id");
        }

        if (_accepted.TryAdd(id, body)) CountCreate();
        else CountAlreadyExisted();
        if (!await AnswerLateSometimesAsync(context)) return 0;
        return await JsonAsync(context.Response, 200, new JsonObject { ["received"] = true });
    }
}
