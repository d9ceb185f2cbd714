using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LeadFunctions.Testing;

/// <summary>
/// What the chat webhook fakes (<see cref="FakeSlack"/>, <see cref="FakeTeams"/>) share: one webhook path, every message
/// it accepted (<see cref="Messages"/>: what the channel shows), answers a test queues (<see cref="NextAnswers"/>), and
/// posts accepted whose answer never comes (<see cref="AcceptWithoutAnswer"/>): the client's timeout is what ends them.
/// A chat keeps every post it accepts: it cannot drop repeats.
/// </summary>
public abstract class FakeChat : LoopbackFake
{
    private int _acceptWithoutAnswer;

    protected FakeChat()
        : base(seed: 25)
    {
    }

    /// <summary>The messages the channel shows, in the order they were posted.</summary>
    public ConcurrentQueue<JsonObject> Messages { get; } = new();

    /// <summary>Answers for the next posts, in order, before anything is shown: status, error code, <c>Retry-After</c> seconds.</summary>
    public ConcurrentQueue<(int Status, string Code, int? RetryAfterSeconds)> NextAnswers { get; } = new();

    public override int RecordCount => Messages.Count;

    /// <summary>The webhook's full URL (with its secret), as the setting takes it.</summary>
    public Uri WebhookUrl => new(Url, WebhookPathAndQuery.TrimStart('/'));

    /// <summary>The webhook's path and query, e.g. <c>/services/T0/B0/secret</c>.</summary>
    protected abstract string WebhookPathAndQuery { get; }

    /// <summary>The next <paramref name="count"/> posts are shown, then left unanswered until the client gives up.</summary>
    public void AcceptWithoutAnswer(int count) => Interlocked.Add(ref _acceptWithoutAnswer, count);

    /// <summary>All the text of one message, for what it shows.</summary>
    public static string TextOf(JsonNode message) => string.Join("\n", Strings(message));

    /// <summary>What the real service refuses in a message body (<c>400</c>); null when it takes it.</summary>
    protected abstract string? Problem(JsonObject body);

    /// <summary>The service's answer to an accepted post.</summary>
    protected abstract Task<int> AcceptedAsync(HttpResponse response);

    protected override async Task<int> AnswerAsync(HttpContext context, int concurrent)
    {
        var request = context.Request;
        if (request.Method != "POST" || request.Path + request.QueryString != WebhookPathAndQuery)
        {
            return await ErrorAsync(context.Response, 404, "not_found", "No such webhook.");
        }

        if (await FaultAsync(context, concurrent) is { } fault) return fault;
        if (NextAnswers.TryDequeue(out var answer))
        {
            if (answer.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return await ErrorAsync(context.Response, answer.Status, answer.Code, $"Refused: {answer.Code}.");
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if ((body is null ? "not JSON" : Problem(body)) is { } problem) return await ViolationAsync(context.Response, "invalid_payload", problem);
        Messages.Enqueue(body!);
        CountCreate();
        if (TakeAcceptWithoutAnswer())
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        }

        return await AcceptedAsync(context.Response);
    }

    protected override Task<int> ThrottleAsync(HttpResponse response, ServiceProtectionLimit? limit)
    {
        response.Headers.RetryAfter = "1";
        return ErrorAsync(response, 429, "rate_limited", "Too many requests.");
    }

    private bool TakeAcceptWithoutAnswer()
    {
        while (true)
        {
            var left = Volatile.Read(ref _acceptWithoutAnswer);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref _acceptWithoutAnswer, left - 1, left) == left) return true;
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue(out string? text) => [text],
        _ => [],
    };
}
