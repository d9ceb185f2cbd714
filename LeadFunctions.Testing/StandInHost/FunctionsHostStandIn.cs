using System.Diagnostics;
using System.Net;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using LeadFunctions.Testing.StandInHost.Protocol;
using MessageKind = LeadFunctions.Testing.StandInHost.Protocol.StreamingMessage.ContentOneofCase;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>
/// Plays the Azure Functions host for one published .NET isolated worker: starts the
/// worker process as the host would, serves the FunctionRpc gRPC stream, runs the
/// start-up handshake (init, worker indexing, function load) and invokes functions.
/// Every wait also watches the worker process, so a crash fails fast with its output.
/// </summary>
public sealed partial class FunctionsHostStandIn : IAsyncDisposable
{
    private const string HttpUriCapability = "HttpUri";
    private const string LoadCollectionCapability = "SupportsLoadResponseCollection";
    private const int TailLinesInMessages = 40;
    private const int LogsInMessages = 15;
    private static readonly TimeSpan StartupFailureSettleTime = TimeSpan.FromSeconds(3);

    private readonly StandInHostOptions _options;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly OutputTail _output;
    private readonly List<WorkerLogEntry> _logs = [];
    private readonly Lock _logsGate = new();
    private readonly WorkerHttpForwarder _http = new();
    private readonly Stopwatch _sinceStart = new();
    private RpcServer? _server;
    private WorkerProcess? _process;
    private WorkerConnection? _connection;
    private int _disposed;

    private FunctionsHostStandIn(string workerDirectory, IReadOnlyDictionary<string, string?> settings, StandInHostOptions options)
    {
        WorkerDirectory = workerDirectory;
        _settings = settings;
        _options = options;
        _output = new OutputTail(options.OutputTailLines);
    }

    /// <summary>The published worker folder (holds worker.config.json), also used as script root.</summary>
    public string WorkerDirectory { get; }

    /// <summary>The id passed as --workerId / --functions-worker-id and expected back in StartStream.</summary>
    public string WorkerId { get; } = Guid.NewGuid().ToString();

    /// <summary>The functions from the worker's FunctionMetadataResponse, all loaded.</summary>
    public IReadOnlyList<FunctionInfo> Functions { get; private set; } = [];

    /// <summary>The capabilities from the WorkerInitResponse.</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The worker's own ASP.NET Core endpoint (capability "HttpUri"), when it has one.</summary>
    public Uri? WorkerHttpUri { get; private set; }

    public int? WorkerProcessId => _process?.Id;

    /// <summary>Completes with the exit code when the worker process has ended.</summary>
    public Task<int> WorkerExited => _process?.Exited ?? Task.FromResult(-1);

    /// <summary>Process start to last FunctionLoadResponse.</summary>
    public TimeSpan StartupDuration { get; private set; }

    /// <summary>Every RpcLog received so far.</summary>
    public IReadOnlyList<WorkerLogEntry> Logs
    {
        get
        {
            lock (_logsGate)
            {
                return [.. _logs];
            }
        }
    }

    /// <summary>The last lines of the worker's stdout/stderr, prefixed "[stdout] " or "[stderr] ".</summary>
    public IReadOnlyList<string> ConsoleOutput => _output.Snapshot();

    private WorkerConnection Connection => _connection ?? throw new InvalidOperationException("The stand-in is not started.");

    /// <summary>
    /// Starts the worker in <paramref name="publishedDirectory"/> with <paramref name="settings"/>
    /// as extra environment variables (app settings; a null value removes an inherited variable)
    /// and returns once every function is loaded.
    /// </summary>
    /// <exception cref="StandInHostException">The worker failed, crashed or timed out.</exception>
    public static async Task<FunctionsHostStandIn> StartAsync(
        string publishedDirectory,
        IReadOnlyDictionary<string, string?>? settings = null,
        StandInHostOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(publishedDirectory);
        var host = new FunctionsHostStandIn(
            Path.GetFullPath(publishedDirectory),
            settings ?? new Dictionary<string, string?>(),
            options ?? new StandInHostOptions());
        try
        {
            await host.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch (StandInHostException ex) when (ex.ExitCode is null && host._process is { } process)
        {
            // A worker that reports a start-up failure often crashes a moment later; give it a
            // short while so the message carries the exit code and the crash output.
            await Task.WhenAny(process.Exited, Task.Delay(StartupFailureSettleTime, CancellationToken.None)).ConfigureAwait(false);
            StandInHostException settled = process.HasExited ? host.Failure(ex.Step ?? "start-up", ex.Reason ?? ex.Message, ex.InnerException) : ex;
            await host.DisposeAsync().ConfigureAwait(false);
            if (ReferenceEquals(settled, ex))
            {
                throw;
            }

            throw settled;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Invokes an HTTP-triggered function the way the host does with the ASP.NET Core
    /// integration: an InvocationRequest over gRPC (with an empty RpcHttp) and, at the same
    /// time, the real request sent to the worker's HttpUri with the invocation id header.
    /// Only the path and query of <paramref name="request"/>'s URI are used (e.g. "/api/leads").
    /// Host-side function-key authorization is not simulated.
    /// </summary>
    /// <returns>The worker's HTTP answer, or 500 when the invocation failed (as the host answers).</returns>
    public async Task<HttpResponseMessage> InvokeHttpAsync(
        string functionName,
        HttpRequestMessage request,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        FunctionInfo function = GetFunction(functionName, "httpTrigger");
        Uri httpUri = WorkerHttpUri ?? throw new StandInHostException(
            $"The worker reported no '{HttpUriCapability}' capability: it does not use the ASP.NET Core integration "
            + "(ConfigureFunctionsWebApplication), and the stand-in only supports HTTP through it.");

        InvocationRequest invocation = NewInvocation(function);
        invocation.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = new TypedData { Http = new RpcHttp() } });

        using var forwardingCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        forwardingCts.CancelAfter(_options.InvocationTimeout);
        Task<HttpResponseMessage>? forwarding = null;
        InvocationResponse response;
        try
        {
            response = await WaitAsync(
                async token =>
                {
                    // The host sends the InvocationRequest first, then starts proxying the request.
                    Task<InvocationResponse> answer = await Connection.StartInvocationAsync(invocation, token).ConfigureAwait(false);
                    forwarding = _http.SendAsync(httpUri, request, invocation.InvocationId, forwardingCts.Token);
                    return await answer.WaitAsync(token).ConfigureAwait(false);
                },
                $"the InvocationResponse of HTTP function '{function.Name}'",
                _options.InvocationTimeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch (StandInHostException ex) when (forwarding is { IsCompletedSuccessfully: true })
        {
            HttpStatusCode status = forwarding.Result.StatusCode;
            forwarding.Result.Dispose();
            throw new StandInHostException(
                $"{ex.Message}{Environment.NewLine}Meanwhile the worker's HTTP endpoint answered {(int)status} {status} "
                + $"for {request.RequestUri}; check the route and the 'api' prefix.",
                ex)
            { Step = ex.Step, Reason = ex.Reason, ExitCode = ex.ExitCode, OutputTail = ex.OutputTail };
        }

        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            _ = forwarding?.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            await forwardingCts.CancelAsync().ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.InternalServerError)
            {
                RequestMessage = request,
                Content = new StringContent(
                    $"Function '{function.Name}' failed: {response.Result?.Exception?.Message}", Encoding.UTF8, "text/plain"),
            };
        }

        return await WaitAsync(
            _ => forwarding!,
            $"the proxied HTTP response of '{function.Name}'",
            _options.InvocationTimeout,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Invokes a queue-triggered function with a message and the trigger metadata the
    /// Storage queue extension provides (QueueTrigger, DequeueCount, Id, PopReceipt, times).
    /// </summary>
    public async Task<InvocationOutcome> InvokeQueueAsync(
        string functionName,
        string messageText,
        long dequeueCount = 1,
        string? id = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        FunctionInfo function = GetFunction(functionName, "queueTrigger");
        InvocationRequest invocation = NewInvocation(function);
        invocation.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = QueueTriggerData.Message(messageText) });
        invocation.TriggerMetadata.Add(QueueTriggerData.Metadata(
            messageText, dequeueCount, id ?? Guid.NewGuid().ToString(), Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow));
        return await InvokeAsync(invocation, $"queue function '{function.Name}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a non-HTTP invocation and waits for the worker's answer.</summary>
    private async Task<InvocationOutcome> InvokeAsync(InvocationRequest invocation, string what, CancellationToken cancellationToken)
    {
        InvocationResponse response = await WaitAsync(
            async token =>
            {
                Task<InvocationResponse> answer = await Connection.StartInvocationAsync(invocation, token).ConfigureAwait(false);
                return await answer.WaitAsync(token).ConfigureAwait(false);
            },
            $"the InvocationResponse of {what}",
            _options.InvocationTimeout,
            cancellationToken).ConfigureAwait(false);

        return new InvocationOutcome(
            invocation.InvocationId,
            (InvocationStatus)(int)(response.Result?.Status ?? StatusResult.Types.Status.Failure),
            NullIfEmpty(response.Result?.Exception?.Message),
            NullIfEmpty(response.Result?.Exception?.Type),
            [.. Logs.Where(l => l.InvocationId == invocation.InvocationId)]);
    }

    /// <summary>Sends WorkerStatusRequest and waits for WorkerStatusResponse (the host's health probe).</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        await WaitAsync(
            async token =>
            {
                await Connection.SendAsync(
                    new StreamingMessage { RequestId = Guid.NewGuid().ToString(), WorkerStatusRequest = new WorkerStatusRequest() },
                    token).ConfigureAwait(false);
                return await Connection.ReceiveAsync(MessageKind.WorkerStatusResponse, token).ConfigureAwait(false);
            },
            "WorkerStatusResponse",
            _options.InvocationTimeout,
            cancellationToken).ConfigureAwait(false);
        return stopwatch.Elapsed;
    }

    /// <summary>Sends WorkerTerminate, waits the grace period, kills the worker if needed, stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_connection is { Closed.IsCompleted: false } connection && _process is { HasExited: false })
        {
            try
            {
                using var sendTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await connection.SendAsync(
                    new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(_options.ShutdownGracePeriod) } },
                    sendTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WorkerStreamClosedException or OperationCanceledException)
            {
                Note($"could not send WorkerTerminate: {ex.Message}");
            }
        }

        if (_process is not null)
        {
            await _process.StopAsync(_options.ShutdownGracePeriod).ConfigureAwait(false);
            _process.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
    }

    private FunctionInfo GetFunction(string name, string triggerType)
    {
        FunctionInfo function = Functions.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"The worker has no function '{name}'. It has: {string.Join(", ", Functions.Select(f => f.Name))}.", nameof(name));
        if (!function.TriggerType.Equals(triggerType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Function '{function.Name}' has a {function.TriggerType}, not a {triggerType}.", nameof(name));
        }

        return function;
    }

    private static InvocationRequest NewInvocation(FunctionInfo function) => new()
    {
        InvocationId = Guid.NewGuid().ToString(),
        FunctionId = function.FunctionId,
        TraceContext = new RpcTraceContext { TraceParent = Activity.Current?.Id ?? string.Empty, TraceState = string.Empty },
    };

    private void OnRpcLog(RpcLog log)
    {
        var entry = new WorkerLogEntry(
            DateTimeOffset.UtcNow,
            log.Level.ToString(),
            log.Category,
            log.Message,
            NullIfEmpty(log.InvocationId),
            log.Exception is null ? null : $"{log.Exception.Type} {log.Exception.Message}".Trim(),
            log.LogCategory == RpcLog.Types.RpcLogCategory.System);
        lock (_logsGate)
        {
            _logs.Add(entry);
        }

        _options.LogSink?.Invoke($"[worker log] {entry}");
    }

    private void Note(string text) => _options.LogSink?.Invoke($"[stand-in] {text}");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
