using BenchmarkDotNet.Attributes;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Benchmarks.Turn;

/// <summary>
/// TURN data paths per 160-byte packet (a 20 ms Opus frame in SRTP is about this size): ChannelData wrap and unwrap,
/// the allocation framing to a channel-bound peer and to a peer without a channel (Send indication), the client's
/// inbound demultiplexing of ChannelData up to the handler, and SendAsync with a pooled buffer over a no-op socket.
/// </summary>
[MemoryDiagnoser]
public class TurnBenchmarks
{
    private static readonly StunEndPoint BoundPeer = StunEndPoint.Create([127, 0, 0, 2], 6000);
    private static readonly StunEndPoint OtherPeer = StunEndPoint.Create([127, 0, 0, 3], 6000);
    private readonly byte[] _payload = new byte[160];
    private readonly byte[] _frame = new byte[256];
    private readonly byte[] _inbound = new byte[164];
    private readonly ReadOnlyMemory<byte> _payloadMemory;
    private TurnClient _client = null!;
    private TurnAllocation _allocation = null!;
    private long _received;

    public TurnBenchmarks() => _payloadMemory = _payload;

    [GlobalSetup]
    public void Setup()
    {
        var server = new InstantTurnServer();
        _client = new TurnClient(server, new TurnClientOptions
        {
            Server = InstantTurnServer.Server,
            Username = InstantTurnServer.Username,
            Password = InstantTurnServer.Password,
            RunReceiveLoop = false,
        });
        server.Client = _client;
        _allocation = _client.AllocateAsync().GetAwaiter().GetResult();
        ushort channel = _allocation.BindChannelAsync(BoundPeer).GetAwaiter().GetResult();
        _allocation.CreatePermissionAsync(OtherPeer).GetAwaiter().GetResult();
        _allocation.DataReceived = (in StunEndPoint _, ReadOnlySpan<byte> data) => _received += data.Length;
        ChannelData.TryWrite(_inbound, channel, _payload, out _);
    }

    [GlobalCleanup]
    public void Cleanup() => _client.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public int ChannelDataWrap()
    {
        ChannelData.TryWrite(_frame, 0x4000, _payload, out int written);
        return written;
    }

    [Benchmark]
    public int ChannelDataUnwrap()
    {
        ChannelData.TryRead(_inbound, out ushort channel, out ReadOnlySpan<byte> data);
        return channel + data.Length;
    }

    [Benchmark]
    public int FrameToBoundChannel()
    {
        _allocation.TryFrame(BoundPeer, _payload, _frame, out int written, out _);
        return written;
    }

    [Benchmark]
    public int FrameSendIndication()
    {
        _allocation.TryFrame(OtherPeer, _payload, _frame, out int written, out _);
        return written;
    }

    [Benchmark]
    public bool ReceiveChannelDataToHandler() => _client.TryHandleDatagram(_inbound, InstantTurnServer.Server);

    /// <summary>The no-op transport completes synchronously, so the ValueTask is already done.</summary>
    [Benchmark]
    public bool SendAsyncPooled()
    {
        ValueTask<bool> sent = _allocation.SendAsync(BoundPeer, _payloadMemory);
        return sent.IsCompletedSuccessfully && sent.Result;
    }
}
