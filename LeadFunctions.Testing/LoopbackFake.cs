using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Testing;

/// <summary>
/// What every fake CRM (<see cref="FakeDataverse"/>, <see cref="FakeSalesforce"/>, <see cref="FakeHubSpot"/>) shares: a
/// loopback Kestrel server, counters and an answer log, a time the server takes per request (<see cref="Latency"/>),
/// and the faults a test switches on while it runs — a rate
/// limit over a sliding window and a concurrency limit (each CRM answers them in its own words), injected 503s (a
/// burst, or a rate), slow successes (committed, answered late), an outage (connections dropped) and one answer for
/// everything (e.g. 403).
/// </summary>
public abstract partial class LoopbackFake : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _admitted = new();
    private readonly Random _random;
    private WebApplication _app = null!;
    private int _concurrent;
    private int _inject503;
    private int _requests, _creates, _alreadyExisted, _throttled, _overConcurrency, _injected503, _slowSuccesses, _dropped, _unauthorized, _badRequests, _withToken, _maxConcurrent;

    protected LoopbackFake(int seed) => _random = new Random(seed);

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Requests the real service would reject or that break our contract.</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Every answer: when, what, which status.</summary>
    public ConcurrentQueue<(DateTimeOffset At, string Method, string Path, int Status)> Log { get; } = new();

    public ServiceProtectionLimit? Limit { get; set; }

    public int ConcurrencyLimit { get; set; } = 52;

    /// <summary>How long the server works on each request before it answers (every request counts as concurrent meanwhile).</summary>
    public TimeSpan Latency { get; set; }

    public double TransientFailureRate { get; set; }

    public double SlowSuccessRate { get; set; }

    public TimeSpan SlowSuccessDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Every connection is dropped without an answer (a network outage).</summary>
    public bool Down { get; set; }

    /// <summary>Every request (after authentication) gets this answer, in the CRM's error shape.</summary>
    public (int Status, string Code, string Message)? AnswerEverything { get; set; }

    /// <summary>How many records the fake holds: what an end-to-end run must end with.</summary>
    public abstract int RecordCount { get; }

    public int Requests => Volatile.Read(ref _requests);

    public int Creates => Volatile.Read(ref _creates);

    public int AlreadyExisted => Volatile.Read(ref _alreadyExisted);

    public int Throttled => Volatile.Read(ref _throttled);

    /// <summary>Of the <see cref="Throttled"/> answers, those for going over <see cref="ConcurrencyLimit"/>.</summary>
    public int OverConcurrency => Volatile.Read(ref _overConcurrency);

    public int Injected503 => Volatile.Read(ref _injected503);

    public int SlowSuccesses => Volatile.Read(ref _slowSuccesses);

    public int Dropped => Volatile.Read(ref _dropped);

    public int Unauthorized => Volatile.Read(ref _unauthorized);

    public int BadRequests => Volatile.Read(ref _badRequests);

    public int WithToken => Volatile.Read(ref _withToken);

    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    /// <summary>One line of counters for a test's output.</summary>
    public string Summary =>
        $"{Requests} requests, {Creates} creates, {AlreadyExisted} already there, {Throttled} throttled, {Injected503} x 503, " +
        $"{SlowSuccesses} slow, {Dropped} dropped, max {MaxConcurrent} concurrent";

    /// <summary>The next <paramref name="count"/> requests get 503 (a burst).</summary>
    public void FailNextWith503(int count) => Interlocked.Add(ref _inject503, count);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static async Task<T> StartAsync<T>(T fake) where T : LoopbackFake
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        // The fake's own server spans are not the app's telemetry (they would show the CRM's side of each request).
        builder.Services.AddSingleton(new ActivitySource("LeadFunctions.Tests.LoopbackFake"));
        var app = builder.Build();
        fake._app = app;
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Url = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>Answers one request (the outage is handled before); returns the status, 0 for an aborted connection.</summary>
    protected abstract Task<int> AnswerAsync(HttpContext context, int concurrent);

    /// <summary>An error answer in the CRM's own shape.</summary>
    protected abstract Task<int> ErrorAsync(HttpResponse response, int status, string code, string message);

    /// <summary>The CRM's answer to a request over its rate limit (<paramref name="limit"/>) or its concurrency limit (null).</summary>
    protected abstract Task<int> ThrottleAsync(HttpResponse response, ServiceProtectionLimit? limit);

    /// <summary>The CRM's answer when it is briefly unavailable.</summary>
    protected virtual Task<int> UnavailableAsync(HttpResponse response) => ErrorAsync(response, 503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable.");

    /// <summary>The answer-everything, throttling or 503 fault for this request, if one applies; null otherwise.</summary>
    protected async Task<int?> FaultAsync(HttpContext context, int concurrent)
    {
        if (AnswerEverything is { } everything) return await ErrorAsync(context.Response, everything.Status, everything.Code, everything.Message);
        if (concurrent > ConcurrencyLimit)
        {
            Interlocked.Increment(ref _throttled);
            Interlocked.Increment(ref _overConcurrency);
            return await ThrottleAsync(context.Response, null);
        }

        if (Limit is { } limit && !Admit(limit))
        {
            Interlocked.Increment(ref _throttled);
            return await ThrottleAsync(context.Response, limit);
        }

        if (TakeInjected503() || Chance(TransientFailureRate))
        {
            Interlocked.Increment(ref _injected503);
            return await UnavailableAsync(context.Response);
        }

        return null;
    }

    /// <summary>
    /// After a record was committed: sometimes (<see cref="SlowSuccessRate"/>) the answer comes only after the client
    /// has given up waiting. False when the client went away meanwhile (nothing more to answer).
    /// </summary>
    protected async Task<bool> AnswerLateSometimesAsync(HttpContext context)
    {
        if (!Chance(SlowSuccessRate)) return true;
        Interlocked.Increment(ref _slowSuccesses);
        try
        {
            await Task.Delay(SlowSuccessDelay, context.RequestAborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    protected void CountCreate() => Interlocked.Increment(ref _creates);

    protected void CountAlreadyExisted() => Interlocked.Increment(ref _alreadyExisted);

    protected void CountUnauthorized() => Interlocked.Increment(ref _unauthorized);

    protected void CountBadRequest() => Interlocked.Increment(ref _badRequests);

    protected async Task<int> BadRequestAsync(HttpResponse response, string code, string message)
    {
        CountBadRequest();
        return await ErrorAsync(response, 400, code, message);
    }

    /// <summary>A request the real service would reject, or that breaks our contract: recorded, and answered 400.</summary>
    protected async Task<int> ViolationAsync(HttpResponse response, string code, string violation)
    {
        Violations.Enqueue(violation);
        return await BadRequestAsync(response, code, violation);
    }

    /// <summary>A JSON answer.</summary>
    protected static async Task<int> JsonAsync(HttpResponse response, int status, JsonNode body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json;charset=utf-8";
        await response.WriteAsync(body.ToJsonString());
        return status;
    }

    /// <summary>What the CRMs accept as an e-mail address: something, @, a domain with a dot.</summary>
    protected static bool IsEmailAddress(string text) => EmailAddress().IsMatch(text);

    protected bool Chance(double rate)
    {
        if (rate <= 0) return false;
        lock (_lock) return _random.NextDouble() < rate;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var concurrent = Interlocked.Increment(ref _concurrent);
        for (var max = MaxConcurrent; concurrent > max && Interlocked.CompareExchange(ref _maxConcurrent, concurrent, max) != max; max = MaxConcurrent)
        {
        }

        // A request is in flight until its answer starts: the client may send its next one as soon as it reads this
        // one's, which can be before this handler has returned.
        var finished = 0;
        void Finish()
        {
            if (Interlocked.Exchange(ref finished, 1) == 0) Interlocked.Decrement(ref _concurrent);
        }

        context.Response.OnStarting(() =>
        {
            Finish();
            return Task.CompletedTask;
        });
        try
        {
            int status;
            if (Down)
            {
                Interlocked.Increment(ref _dropped);
                context.Abort();
                status = 0;
            }
            else
            {
                if (Latency > TimeSpan.Zero) await Task.Delay(Latency);
                if (context.Request.Headers.Authorization.Count > 0) Interlocked.Increment(ref _withToken);
                status = await AnswerAsync(context, concurrent);
            }

            Log.Enqueue((DateTimeOffset.UtcNow, context.Request.Method, context.Request.Path.Value ?? "", status));
        }
        finally
        {
            Finish();
        }
    }

    private bool Admit(ServiceProtectionLimit limit)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            while (_admitted.Count > 0 && now - _admitted.Peek() >= limit.Window) _admitted.Dequeue();
            if (_admitted.Count >= limit.Requests) return false;
            _admitted.Enqueue(now);
            return true;
        }
    }

    /// <summary>How many more requests <paramref name="limit"/> admits in its current window.</summary>
    protected int RemainingIn(ServiceProtectionLimit limit)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock) return Math.Max(0, limit.Requests - _admitted.Count(t => now - t < limit.Window));
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailAddress();

    private bool TakeInjected503()
    {
        while (true)
        {
            var left = Volatile.Read(ref _inject503);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref _inject503, left - 1, left) == left) return true;
        }
    }
}

/// <summary>A CRM's request limit: at most <paramref name="Requests"/> per sliding <paramref name="Window"/>, then throttled.</summary>
public sealed record ServiceProtectionLimit(int Requests, TimeSpan Window, int RetryAfterSeconds);
