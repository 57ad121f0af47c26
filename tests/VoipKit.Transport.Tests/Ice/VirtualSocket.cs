using System.Net;
using System.Threading.Channels;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>A socket of the <see cref="VirtualNetwork"/>. A datagram counts as pending until its reader asks for the next one.</summary>
internal sealed class VirtualSocket : IDatagramTransport, IDisposable
{
    private readonly VirtualNetwork _network;
    private readonly Channel<(byte[] Data, IPEndPoint From)> _inbound = Channel.CreateUnbounded<(byte[], IPEndPoint)>();
    private int _handedOut;
    private volatile bool _closed;

    public VirtualSocket(VirtualNetwork network, IPEndPoint endPoint, VirtualNat? nat)
    {
        _network = network;
        EndPoint = endPoint;
        Nat = nat;
    }

    public IPEndPoint EndPoint { get; }

    public VirtualNat? Nat { get; }

    public EndPoint LocalEndPoint => EndPoint;

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken)
    {
        _network.Send(this, datagram.ToArray(), (IPEndPoint)remote);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _handedOut, 0) == 1)
        {
            _network.AddPending(-1); // the previous datagram has been fully processed
        }

        try
        {
            (byte[] data, IPEndPoint from) = await _inbound.Reader.ReadAsync(cancellationToken);
            data.CopyTo(buffer);
            Volatile.Write(ref _handedOut, 1);
            return new DatagramReceiveResult(data.Length, from);
        }
        catch (OperationCanceledException)
        {
            _closed = true;
            DrainPending();
            throw;
        }
    }

    /// <summary>Closes the socket: what arrives later is dropped, and nothing it held counts as pending any more.</summary>
    public void Dispose()
    {
        _closed = true;
        if (Interlocked.Exchange(ref _handedOut, 0) == 1)
        {
            _network.AddPending(-1);
        }

        DrainPending();
    }

    internal void Enqueue(byte[] data, IPEndPoint from)
    {
        if (_closed)
        {
            return; // nobody reads any more
        }

        _network.AddPending(1);
        _inbound.Writer.TryWrite((data, from));
    }

    private void DrainPending()
    {
        while (_inbound.Reader.TryRead(out _))
        {
            _network.AddPending(-1);
        }
    }
}
