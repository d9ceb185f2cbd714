using System.Net;
using System.Net.Sockets;

namespace LeadFunctions.Testing;

/// <summary>
/// A loopback port for processes that cannot bind port 0 and say which port they got (Azurite): free when asked,
/// which another process could take before the caller binds it, so <see cref="Azurite"/> retries its start on
/// fresh ports when that happens. Everything that can bind port 0 does (<see cref="TestApp"/>, the fakes,
/// <c>AppProcess</c>).
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A loopback port that nothing listens on for as long as this lives: bound but never listening, so a connection to
/// it is refused, and no other process can take it meanwhile. For tests of "the server is not there".
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Number = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Number { get; }

    public void Dispose() => _socket.Dispose();
}
