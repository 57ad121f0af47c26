using System.Net;
using BenchmarkDotNet.Attributes;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Benchmarks.Turn;

/// <summary>
/// The ICE relay adapter's per-packet paths, 160 bytes, in steady state (permission installed, channel bound):
/// <see cref="TurnRelayTransport.SendAsync"/> over a socket that completes at once, and a datagram from the peer
/// queued and taken by <see cref="TurnRelayTransport.ReceiveAsync"/>.
/// </summary>
[MemoryDiagnoser]
public class TurnRelayTransportBenchmarks
{
    private static readonly StunEndPoint Peer = StunEndPoint.Create([127, 0, 0, 2], 6000);
    private readonly byte[] _payload = new byte[160];
    private readonly byte[] _buffer = new byte[2048];
    private readonly ReadOnlyMemory<byte> _payloadMemory;
    private readonly IPEndPoint _peer = Peer.ToIPEndPoint();
    private TurnRelayTransport _relay = null!;

    public TurnRelayTransportBenchmarks() => _payloadMemory = _payload;

    [GlobalSetup]
    public void Setup()
    {
        var server = new InstantTurnServer();
        var client = new TurnClient(server, new TurnClientOptions
        {
            Server = InstantTurnServer.Server,
            Username = InstantTurnServer.Username,
            Password = InstantTurnServer.Password,
            RunReceiveLoop = false,
        });
        server.Client = client;
        TurnAllocation allocation = client.AllocateAsync().GetAwaiter().GetResult();
        _relay = new TurnRelayTransport(client, allocation);
        _relay.SendAsync(_payload, _peer, default).AsTask().GetAwaiter().GetResult(); // the permission, and the peer's sender cached
        allocation.BindChannelAsync(Peer).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _relay.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Permission lookup, ChannelData framing in a pooled buffer, the socket send, counters.</summary>
    [Benchmark]
    public bool SendToBoundPeer()
    {
        ValueTask sent = _relay.SendAsync(_payloadMemory, _peer, default);
        return sent.IsCompletedSuccessfully;
    }

    /// <summary>Sender lookup, copy into the receive queue, and a receive that finds it there.</summary>
    [Benchmark]
    public int ReceiveFromPeer()
    {
        _relay.OnPeerData(Peer, _payload);
        ValueTask<DatagramReceiveResult> received = _relay.ReceiveAsync(_buffer, default);
        return received.IsCompletedSuccessfully ? received.Result.Length : -1;
    }
}
