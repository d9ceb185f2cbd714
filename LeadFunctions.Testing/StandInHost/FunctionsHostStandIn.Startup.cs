using LeadFunctions.Testing.StandInHost.Protocol;
using MessageKind = LeadFunctions.Testing.StandInHost.Protocol.StreamingMessage.ContentOneofCase;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>The start-up handshake: StartStream, init, worker indexing, function load.</summary>
public sealed partial class FunctionsHostStandIn
{
    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        WorkerConfigFile config = WorkerConfigFile.Read(WorkerDirectory);
        if (!config.WorkerIndexing)
        {
            Note("worker.config.json does not set workerIndexing; asking the worker for metadata anyway");
        }

        using var startCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startCts.CancelAfter(_options.StartTimeout);
        CancellationToken start = startCts.Token;

        _server = await RpcServer.StartAsync(WorkerId, OnRpcLog, Note, start).ConfigureAwait(false);
        _sinceStart.Start();
        _process = WorkerProcess.Start(WorkerDirectory, config, _server.Address, WorkerId, BuildEnvironment(), _options, _output);

        _connection = await WaitAsync(
            token => _server.Connected.WaitAsync(token), "StartStream (the worker connecting)", _options.StartTimeout, start).ConfigureAwait(false);

        var initRequest = new WorkerInitRequest
        {
            HostVersion = "4.0.0-standin",
            WorkerDirectory = WorkerDirectory,
            FunctionAppDirectory = WorkerDirectory,
        };
        WorkerInitResponse init = (await ExchangeAsync(new StreamingMessage { WorkerInitRequest = initRequest }, MessageKind.WorkerInitResponse, start).ConfigureAwait(false)).WorkerInitResponse;
        EnsureSuccess(init.Result, "WorkerInitRequest");
        WorkerCapabilities = new Dictionary<string, string>(init.Capabilities);
        if (WorkerCapabilities.TryGetValue(HttpUriCapability, out string? httpUri) && !string.IsNullOrEmpty(httpUri))
        {
            WorkerHttpUri = new Uri(httpUri);
        }

        var metadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = WorkerDirectory };
        FunctionMetadataResponse metadata = (await ExchangeAsync(new StreamingMessage { FunctionsMetadataRequest = metadataRequest }, MessageKind.FunctionMetadataResponse, start).ConfigureAwait(false)).FunctionMetadataResponse;
        EnsureSuccess(metadata.Result, "FunctionsMetadataRequest");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw Failure("FunctionsMetadataRequest", "the worker asked for host indexing (use_default_metadata_indexing), which the stand-in does not do", null);
        }

        foreach (RpcFunctionMetadata function in metadata.FunctionMetadataResults.Where(f => f.Status is not null))
        {
            EnsureSuccess(function.Status, $"indexing function '{function.Name}'");
        }

        Functions = [.. metadata.FunctionMetadataResults.Select(FunctionLoadRequests.ToFunctionInfo)];
        await LoadFunctionsAsync(metadata.FunctionMetadataResults, start).ConfigureAwait(false);
        StartupDuration = _sinceStart.Elapsed;
        Note($"worker ready: {Functions.Count} functions loaded in {StartupDuration.TotalMilliseconds:0} ms");
    }

    private async Task LoadFunctionsAsync(IReadOnlyList<RpcFunctionMetadata> functions, CancellationToken cancellationToken)
    {
        FunctionLoadRequest[] requests = [.. functions.Select(FunctionLoadRequests.ToLoadRequest)];
        var responses = new List<FunctionLoadResponse>();
        if (WorkerCapabilities.ContainsKey(LoadCollectionCapability))
        {
            var collection = new FunctionLoadRequestCollection();
            collection.FunctionLoadRequests.AddRange(requests);
            StreamingMessage answer = await ExchangeAsync(
                new StreamingMessage { FunctionLoadRequestCollection = collection }, MessageKind.FunctionLoadResponseCollection, cancellationToken).ConfigureAwait(false);
            responses.AddRange(answer.FunctionLoadResponseCollection.FunctionLoadResponses);
        }
        else
        {
            foreach (FunctionLoadRequest request in requests)
            {
                await Connection.SendAsync(new StreamingMessage { FunctionLoadRequest = request }, cancellationToken).ConfigureAwait(false);
            }

            foreach (FunctionLoadRequest request in requests)
            {
                StreamingMessage answer = await WaitAsync(
                    token => Connection.ReceiveAsync(MessageKind.FunctionLoadResponse, token), "FunctionLoadResponse", _options.StartTimeout, cancellationToken).ConfigureAwait(false);
                responses.Add(answer.FunctionLoadResponse);
            }
        }

        foreach (FunctionLoadResponse response in responses)
        {
            string name = functions.FirstOrDefault(f => f.FunctionId == response.FunctionId)?.Name ?? response.FunctionId;
            EnsureSuccess(response.Result, $"loading function '{name}'");
        }
    }

    private Task<StreamingMessage> ExchangeAsync(StreamingMessage request, MessageKind answerKind, CancellationToken cancellationToken) =>
        WaitAsync(
            async token =>
            {
                await Connection.SendAsync(request, token).ConfigureAwait(false);
                return await Connection.ReceiveAsync(answerKind, token).ConfigureAwait(false);
            },
            answerKind.ToString(),
            _options.StartTimeout,
            cancellationToken);

    private Dictionary<string, string?> BuildEnvironment()
    {
        // What the host puts in front of the app settings: RpcWorkerProcess.CreateWorkerProcess
        // adds FUNCTIONS_WORKER_DIRECTORY and FUNCTIONS_APPLICATION_DIRECTORY; the runtime and
        // script root come from the host's own environment, which the worker inherits.
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsScriptRoot"] = WorkerDirectory,
            ["FUNCTIONS_WORKER_DIRECTORY"] = WorkerDirectory,
            ["FUNCTIONS_APPLICATION_DIRECTORY"] = WorkerDirectory,
        };
        foreach ((string name, string? value) in _settings)
        {
            environment[name] = value;
        }

        return environment;
    }
}
