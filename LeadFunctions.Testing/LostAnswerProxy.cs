using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LeadFunctions.Testing;

/// <summary>
/// A loopback TCP proxy in front of a server that loses the answer to the first request whose request line starts
/// with <c>POST</c> and holds <see cref="PathPart"/>: the server gets the request and answers it, and the client's
/// connection is then cut instead of receiving the answer — what a client sees when its network timeout runs out on
/// a slow server that has done the work. Everything else passes through unchanged.
/// </summary>
public sealed class LostAnswerProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _target;
    private int _lost;

    private LostAnswerProxy(int target, string pathPart)
    {
        (_target, PathPart) = (target, pathPart);
        _listener.Start();
        _ = AcceptAsync();
    }

    public string PathPart { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many answers were lost (at most one).</summary>
    public int Lost => Volatile.Read(ref _lost);

    public static LostAnswerProxy Start(int targetPort, string pathPart) => new(targetPort, pathPart);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target, _stopping.Token);
            var lose = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var up = PumpAsync(client.GetStream(), server.GetStream(), request =>
            {
                if (request.StartsWith("POST ", StringComparison.Ordinal) && request.Split('\n', 2)[0].Contains(PathPart, StringComparison.Ordinal)
                    && Interlocked.CompareExchange(ref _lost, 1, 0) == 0)
                {
                    lose.TrySetResult();
                }
            });
            var down = PumpAsync(server.GetStream(), client.GetStream(), _ => { }, lose.Task);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Client.LingerState = new LingerOption(true, 0); // cut: the client sees a reset, not an answer
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>; once <paramref name="lose"/> is set, the next bytes from the server end the relay unsent.</summary>
    private async Task PumpAsync(Stream from, Stream to, Action<string> inspect, Task? lose = null)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stopping.Token);
            if (read == 0) return;
            if (lose is { IsCompleted: true }) return;
            inspect(Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 512)));
            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }
}
