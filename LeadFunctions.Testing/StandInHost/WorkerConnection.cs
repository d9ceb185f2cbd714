using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Grpc.Core;
using LeadFunctions.Testing.StandInHost.Protocol;
using MessageKind = LeadFunctions.Testing.StandInHost.Protocol.StreamingMessage.ContentOneofCase;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>The gRPC stream closed (the worker disconnected, crashed or was stopped).</summary>
internal sealed class WorkerStreamClosedException(string message, Exception? inner = null)
    : Exception(message, inner);

/// <summary>
/// The open EventStream of one worker: sends host messages, and sorts what the worker
/// sends into logs, invocation answers and (in order) everything else.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim needs disposing only when its AvailableWaitHandle is used.")]
internal sealed class WorkerConnection
{
    private readonly IServerStreamWriter<StreamingMessage> _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<StreamingMessage> _control = Channel.CreateUnbounded<StreamingMessage>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<RpcLog> _onLog;
    private readonly Action<string> _onNote;
    private volatile Exception? _closeReason;

    public WorkerConnection(string workerId, IServerStreamWriter<StreamingMessage> writer, Action<RpcLog> onLog, Action<string> onNote)
    {
        WorkerId = workerId;
        _writer = writer;
        _onLog = onLog;
        _onNote = onNote;
    }

    public string WorkerId { get; }

    /// <summary>Completes when the stream is gone; never faults.</summary>
    public Task Closed => _closed.Task;

    public async Task SendAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            await _writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or Grpc.Core.RpcException)
        {
            throw new WorkerStreamClosedException($"Could not send {message.ContentCase} to the worker: the gRPC stream is closed.", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Waits for the next message of the given kind; other control messages are noted and skipped.</summary>
    public async Task<StreamingMessage> ReceiveAsync(MessageKind kind, CancellationToken cancellationToken)
    {
        while (true)
        {
            StreamingMessage message;
            try
            {
                message = await _control.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException ex)
            {
                throw new WorkerStreamClosedException($"The worker closed the gRPC stream while the host waited for {kind}.", ex.InnerException);
            }

            if (message.ContentCase == kind)
            {
                return message;
            }

            _onNote($"ignored {message.ContentCase} while waiting for {kind}");
        }
    }

    /// <summary>Sends the request and returns a task for the worker's InvocationResponse.</summary>
    public async Task<Task<InvocationResponse>> StartInvocationAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = answer;
        try
        {
            await SendAsync(new StreamingMessage { InvocationRequest = request }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _invocations.TryRemove(request.InvocationId, out _);
            throw;
        }

        if (_closeReason is not null)
        {
            answer.TrySetException(_closeReason);
        }

        return answer.Task;
    }

    /// <summary>Called by the gRPC handler for every message the worker sends.</summary>
    public void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case MessageKind.RpcLog:
                _onLog(message.RpcLog);
                break;
            case MessageKind.InvocationResponse:
                if (_invocations.TryRemove(message.InvocationResponse.InvocationId, out var answer))
                {
                    answer.TrySetResult(message.InvocationResponse);
                }
                else
                {
                    _onNote($"InvocationResponse for unknown invocation {message.InvocationResponse.InvocationId}");
                }

                break;
            default:
                _control.Writer.TryWrite(message);
                break;
        }
    }

    /// <summary>Called once when the stream ended; fails everything that still waits.</summary>
    public void Close(Exception? error)
    {
        var reason = new WorkerStreamClosedException(
            error is null ? "The worker ended the gRPC stream." : $"The gRPC stream to the worker broke: {error.Message}",
            error);
        _closeReason = reason;
        _control.Writer.TryComplete(reason);
        foreach (string id in _invocations.Keys)
        {
            if (_invocations.TryRemove(id, out var pending))
            {
                pending.TrySetException(reason);
            }
        }

        _closed.TrySetResult();
    }

    private void ThrowIfClosed()
    {
        if (_closeReason is not null)
        {
            throw new WorkerStreamClosedException("The gRPC stream to the worker is closed.", _closeReason);
        }
    }
}
