using System.Net;
using System.Net.Sockets;

namespace VoipKit.Transport.Stun;

/// <summary>An <see cref="IDatagramTransport"/> over a bound UDP <see cref="Socket"/>, which it owns.</summary>
internal sealed class UdpDatagramTransport : IDatagramTransport, IDisposable
{
    private readonly Socket _socket;
    private readonly EndPoint _anyRemote;

    /// <summary>Binds a UDP socket to <paramref name="local"/> (port 0 for any free port).</summary>
    public UdpDatagramTransport(IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(local);
        _socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(local);
        }
        catch (SocketException)
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = _socket.LocalEndPoint!;
        _anyRemote = new IPEndPoint(local.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    }

    /// <inheritdoc/>
    public EndPoint LocalEndPoint { get; }

    /// <inheritdoc/>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken) =>
        await _socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        SocketReceiveFromResult result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _anyRemote, cancellationToken).ConfigureAwait(false);
        return new DatagramReceiveResult(result.ReceivedBytes, result.RemoteEndPoint);
    }

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
