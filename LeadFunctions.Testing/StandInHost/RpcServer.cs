using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using LeadFunctions.Testing.StandInHost.Protocol;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>
/// The host side of the protocol: an in-process Kestrel server on 127.0.0.1 with a
/// free port (HTTP/2 without TLS) serving FunctionRpc.EventStream for one worker.
/// </summary>
internal sealed class RpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StreamBroker _broker;

    private RpcServer(WebApplication app, StreamBroker broker, Uri address)
    {
        _app = app;
        _broker = broker;
        Address = address;
    }

    /// <summary>e.g. http://127.0.0.1:41234/ — what the worker gets as --functions-uri.</summary>
    public Uri Address { get; }

    /// <summary>Completes when the expected worker has opened the stream and sent StartStream.</summary>
    public Task<WorkerConnection> Connected => _broker.Connected;

    public static async Task<RpcServer> StartAsync(
        string expectedWorkerId,
        Action<RpcLog> onLog,
        Action<string> onNote,
        CancellationToken cancellationToken)
    {
        var broker = new StreamBroker(expectedWorkerId, onLog, onNote);
        // Empty builder: no appsettings.json, environment variables or ASPNETCORE_URLS of the
        // test project can add endpoints or logging to the stand-in's server.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddRoutingCore();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(broker);

        WebApplication app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        string address = app.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RpcServer(app, broker, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        _broker.Release();
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await _app.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Kestrel aborts whatever is left.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _broker.Dispose();
    }

    /// <summary>Hands the worker's stream to the stand-in and keeps the call open until released.</summary>
    internal sealed class StreamBroker(string expectedWorkerId, Action<RpcLog> onLog, Action<string> onNote) : IDisposable
    {
        private readonly TaskCompletionSource<WorkerConnection> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _released = new();

        public Task<WorkerConnection> Connected => _connected.Task;

        public void Release() => _released.Cancel();

        public void Dispose() => _released.Dispose();

        public async Task RunAsync(
            IAsyncStreamReader<StreamingMessage> requests,
            IServerStreamWriter<StreamingMessage> responses,
            ServerCallContext context)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _released.Token);
            if (!await requests.MoveNext(stop.Token).ConfigureAwait(false)
                || requests.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
            {
                onNote("a stream opened without StartStream; rejected");
                return;
            }

            string workerId = requests.Current.StartStream.WorkerId;
            if (workerId != expectedWorkerId || _connected.Task.IsCompleted)
            {
                onNote($"rejected a stream from worker '{workerId}' (expected '{expectedWorkerId}', one stream only)");
                return;
            }

            var connection = new WorkerConnection(workerId, responses, onLog, onNote);
            _connected.TrySetResult(connection);
            Exception? error = null;
            try
            {
                while (await requests.MoveNext(stop.Token).ConfigureAwait(false))
                {
                    connection.Dispatch(requests.Current);
                }
            }
            catch (OperationCanceledException) when (_released.IsCancellationRequested)
            {
                // The stand-in is shutting down.
            }
            catch (Exception ex) when (ex is IOException or Grpc.Core.RpcException or OperationCanceledException or InvalidOperationException)
            {
                error = ex;
            }
            finally
            {
                connection.Close(error);
            }
        }
    }

    private sealed class FunctionRpcService(StreamBroker broker) : FunctionRpc.FunctionRpcBase
    {
        public override Task EventStream(
            IAsyncStreamReader<StreamingMessage> requestStream,
            IServerStreamWriter<StreamingMessage> responseStream,
            ServerCallContext context) => broker.RunAsync(requestStream, responseStream, context);
    }
}
