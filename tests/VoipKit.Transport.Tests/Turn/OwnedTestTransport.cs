using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>Wraps a test transport to see whether its owner disposed it; sends after that throw, as a closed socket's do.</summary>
internal sealed class OwnedTestTransport(IDatagramTransport inner) : IDatagramTransport, IDisposable
{
    private int _disposed;

    public bool Disposed => Volatile.Read(ref _disposed) != 0;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        return inner.SendAsync(datagram, remote, cancellationToken);
    }

    public ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);
}
