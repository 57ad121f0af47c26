using System.Net;
using BenchmarkDotNet.Attributes;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;

namespace VoipKit.Benchmarks.Ice;

/// <summary>
/// The per-datagram receive path of a connected <see cref="IceAgent"/> (two agents on loopback UDP): an RTP packet from the
/// selected pair demultiplexed (RFC 7983 first-byte and STUN checks) and handed to the application, and one from a
/// stranger dropped.
/// </summary>
[MemoryDiagnoser]
public class IceDemuxBenchmarks
{
    private readonly byte[] _rtp = new byte[172];
    private UdpDatagramTransport _socketA = null!;
    private UdpDatagramTransport _socketB = null!;
    private IceAgent _a = null!;
    private IceAgent _b = null!;
    private IceSocket _socket = null!;
    private EndPoint _remote = null!;
    private readonly EndPoint _stranger = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 4000);
    private long _bytes;

    [GlobalSetup]
    public void Setup()
    {
        _rtp[0] = 0x80;
        _socketA = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0));
        _socketB = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0));
        _a = new IceAgent(IceRole.Controlling, [_socketA]);
        _b = new IceAgent(IceRole.Controlled, [_socketB]);
        IReadOnlyList<IceCandidate> ca = _a.GatherAsync().GetAwaiter().GetResult();
        IReadOnlyList<IceCandidate> cb = _b.GatherAsync().GetAwaiter().GetResult();
        _a.SetRemoteCredentials(_b.LocalCredentials);
        _b.SetRemoteCredentials(_a.LocalCredentials);
        foreach (IceCandidate c in cb)
        {
            _a.AddRemoteCandidate(c);
        }

        foreach (IceCandidate c in ca)
        {
            _b.AddRemoteCandidate(c);
        }

        _a.Start();
        _b.Start();
        for (int i = 0; i < 200 && _a.SelectedPair is null; i++)
        {
            Thread.Sleep(10);
        }

        IceCandidatePair pair = _a.SelectedPair ?? throw new InvalidOperationException("ICE did not connect on loopback");
        _socket = pair.Socket;
        _remote = pair.Remote.EndPoint;
        _a.DataReceived = OnData;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.DataReceived = null;
        _a.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _b.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _socketA.Dispose();
        _socketB.Dispose();
    }

    [Benchmark]
    public long RtpFromSelectedPair()
    {
        _a.ProcessDatagram(_socket, _rtp, _remote);
        return _bytes;
    }

    [Benchmark]
    public long RtpFromStrangerDropped()
    {
        _a.ProcessDatagram(_socket, _rtp, _stranger);
        return _a.DroppedDatagrams;
    }

    private void OnData(ReadOnlySpan<byte> datagram) => _bytes += datagram.Length;
}
