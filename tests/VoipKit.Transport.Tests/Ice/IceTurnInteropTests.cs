using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Tests.Interop;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>
/// Two ICE agents with <see cref="TurnRelayedCandidateSource"/>s on coturn 4.6 (127.0.0.1, allow-loopback-peers), in real
/// time. Each agent's host socket and TURN socket are on its own loopback address (127.0.0.2, 127.0.0.3); the relayed
/// addresses are on 127.0.0.1. When only relayed candidates are signalled, the one path besides relay to relay, a host
/// socket's checks to the peer's relayed address, is refused by coturn: the peer's allocation has a permission for
/// 127.0.0.1 (the relayed address it sends to) but not for the host's 127.0.0.2/127.0.0.3.
/// </summary>
[Trait("Category", "Interop")]
public sealed class IceTurnInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private static readonly IPAddress LoopbackA = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress LoopbackB = IPAddress.Parse("127.0.0.3");

    [Fact]
    public async Task Only_relayed_candidates_signalled_select_relayed_pairs_on_both_sides_and_carry_50_datagrams_each_way_intact()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        await using var a = await Side.StartAsync(server, LoopbackA, IceRole.Controlling);
        await using var b = await Side.StartAsync(server, LoopbackB, IceRole.Controlled);
        Assert.Equal(LoopbackA, a.Relay.MappedEndPoint.Address); // the TURN socket bound to LocalAddress
        Assert.Equal(IPAddress.Loopback, a.Relay.RelayedEndPoint.Address);

        Side.Exchange(a, b, relayedOnly: true);
        await Side.ConnectAsync(a, b);

        Assert.Equal(IceCandidateType.Relayed, a.Agent.SelectedPair!.Local.Type);
        Assert.Equal(IceCandidateType.Relayed, b.Agent.SelectedPair!.Local.Type);
        Assert.Equal(b.Relay.RelayedEndPoint, a.Agent.SelectedPair.Remote.EndPoint);
        Assert.Equal(a.Relay.RelayedEndPoint, b.Agent.SelectedPair.Remote.EndPoint);

        // Each relay bound a channel to the other's relayed address once its checks were answered: media goes in ChannelData.
        await WaitUntilAsync(() => a.ChannelToPeer(b) != 0 && b.ChannelToPeer(a) != 0);
        long channelDataBeforeA = a.Relay.Allocation.Counters.ChannelDataSent;
        await Side.ExchangeMediaAsync(a, b, 50);
        Assert.InRange(a.Relay.Allocation.Counters.ChannelDataSent - channelDataBeforeA, 50, 52); // and perhaps a consent check
        Assert.InRange(a.Relay.Counters.PacketsSent, 50, 200); // the media and the checks
        Assert.InRange(a.Relay.Counters.BytesSent, 50 * 160, 200 * 160);
        Assert.InRange(b.Relay.Counters.PacketsReceived, 50, 200);
        Assert.Equal(0, a.Relay.Counters.DroppedQueueFull + b.Relay.Counters.DroppedQueueFull);
    }

    [Fact]
    public async Task Agents_signalling_host_and_relayed_candidates_connect_on_some_pair_and_exchange_50_datagrams_each_way()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        await using var a = await Side.StartAsync(server, LoopbackA, IceRole.Controlling);
        await using var b = await Side.StartAsync(server, LoopbackB, IceRole.Controlled);
        Assert.Contains(a.Candidates, c => c.Type == IceCandidateType.Relayed);
        Assert.Contains(b.Candidates, c => c.Type == IceCandidateType.Relayed);

        Side.Exchange(a, b, relayedOnly: false);
        await Side.ConnectAsync(a, b);
        await Side.ExchangeMediaAsync(a, b, 50);
    }

    [Fact]
    public async Task A_relay_through_the_IPv6_listener_reaches_an_IPv4_peer_and_hears_its_answers()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        await using var source = new TurnRelayedCandidateSource([new TurnServerCredentials(server.EndPointV6, CoturnServer.Username, CoturnServer.Password)]);
        using var cts = new CancellationTokenSource(Limit);
        IceRelayedBase relayed = Assert.Single(await source.GetRelayedBasesAsync(cts.Token));
        var relay = (TurnRelayTransport)relayed.Transport;
        Assert.Equal(AddressFamily.InterNetwork, relay.RelayedEndPoint.AddressFamily); // RFC 8656's default family, whatever the server's
        Assert.Equal(IPAddress.IPv6Loopback, relayed.RelatedEndPoint.Address);
        Assert.Equal(server.EndPointV6, relayed.ServerEndPoint);

        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        byte[] buffer = new byte[2048];
        for (int i = 0; i < 5; i++)
        {
            byte[] payload = [.. Enumerable.Range(0, 161).Select(j => (byte)(i + j))];
            await relay.SendAsync(payload, peerEndPoint, cts.Token);
            SocketReceiveFromResult atPeer = await peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
            Assert.Equal(payload, buffer[..atPeer.ReceivedBytes]);
            Assert.Equal(relay.RelayedEndPoint, atPeer.RemoteEndPoint);

            await peer.SendToAsync(payload.Reverse().ToArray(), relay.RelayedEndPoint, cts.Token);
            DatagramReceiveResult back = await relay.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(payload.Reverse().ToArray(), buffer[..back.Length]);
            Assert.Equal(peerEndPoint, back.Remote);
            if (i == 0)
            {
                await WaitUntilAsync(() => relay.Counters.ChannelsBound == 1); // the peer answered: later datagrams in ChannelData
            }
        }

        Assert.Equal(1, relay.Counters.PermissionRequests);
        Assert.Equal((1, 4), (relay.Allocation.Counters.SendIndicationsSent, relay.Allocation.Counters.ChannelDataSent));
        Assert.Equal((1, 4), (relay.Allocation.Counters.DataIndicationsReceived, relay.Allocation.Counters.ChannelDataReceived));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Limit);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>One side of the call: a host socket and TURN socket on its own loopback address, the relay source and the agent.</summary>
    private sealed class Side : IAsyncDisposable
    {
        private readonly UdpDatagramTransport _host;
        private readonly TurnRelayedCandidateSource _relays;
        private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();
        private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Side(UdpDatagramTransport host, TurnRelayedCandidateSource relays, IceAgent agent)
        {
            _host = host;
            _relays = relays;
            Agent = agent;
            agent.DataReceived = d => _received.Writer.TryWrite(d.ToArray());
            agent.SelectedPairChanged += (_, _) => _connected.TrySetResult();
        }

        public IceAgent Agent { get; }

        public IReadOnlyList<IceCandidate> Candidates { get; private set; } = [];

        public TurnRelayTransport Relay => Assert.Single(_relays.Relays);

        public static async Task<Side> StartAsync(CoturnServer server, IPAddress loopback, IceRole role)
        {
            var host = new UdpDatagramTransport(new IPEndPoint(loopback, 0));
            var relays = new TurnRelayedCandidateSource(
                [new TurnServerCredentials(server.EndPoint, CoturnServer.Username, CoturnServer.Password)],
                TimeProvider.System, null, new TurnRelayedCandidateSourceOptions { LocalAddress = loopback });
            var side = new Side(host, relays, new IceAgent(role, [host], new IceAgentOptions { RelayedCandidates = relays }));
            using var timeout = new CancellationTokenSource(Limit);
            side.Candidates = await side.Agent.GatherAsync(timeout.Token);
            return side;
        }

        /// <summary>Credentials both ways, and the candidates through their SDP text (all, or only the relayed ones).</summary>
        public static void Exchange(Side a, Side b, bool relayedOnly)
        {
            a.Agent.SetRemoteCredentials(b.Agent.LocalCredentials);
            b.Agent.SetRemoteCredentials(a.Agent.LocalCredentials);
            foreach ((Side from, Side to) in new[] { (a, b), (b, a) })
            {
                foreach (IceCandidate c in from.Candidates.Where(c => !relayedOnly || c.Type == IceCandidateType.Relayed))
                {
                    Assert.Equal(IceRemoteCandidateResult.Added, to.Agent.AddRemoteCandidate(IceCandidate.Parse(c.ToString())));
                }
            }
        }

        public static async Task ConnectAsync(Side a, Side b)
        {
            a.Agent.Start();
            b.Agent.Start();
            await Task.WhenAll(a._connected.Task, b._connected.Task).WaitAsync(Limit);
        }

        /// <summary><paramref name="count"/> 160-byte RTP-like datagrams each way; every one must arrive once, byte for byte.</summary>
        public static async Task ExchangeMediaAsync(Side a, Side b, int count)
        {
            for (int i = 0; i < count; i++)
            {
                Assert.True(await a.Agent.SendAsync(Packet(0xA, i)));
                Assert.True(await b.Agent.SendAsync(Packet(0xB, i)));
                await Task.Delay(2); // paced a little, as media is
            }

            await b.AssertReceivedAsync(0xA, count);
            await a.AssertReceivedAsync(0xB, count);
        }

        /// <summary>The channel a's relay bound to <paramref name="peer"/>'s relayed address, or 0.</summary>
        public ushort ChannelToPeer(Side peer) => Relay.Allocation.GetChannel(StunEndPoint.FromIPEndPoint(peer.Relay.RelayedEndPoint));

        public async ValueTask DisposeAsync()
        {
            await Agent.DisposeAsync();
            await _relays.DisposeAsync();
            _host.Dispose();
        }

        private static byte[] Packet(int sender, int sequence)
        {
            byte[] packet = new byte[160];
            packet[0] = 0x80; // an RTP version 2 first byte: not STUN, so the agent hands it to DataReceived
            packet[1] = (byte)sender;
            packet[2] = (byte)sequence;
            for (int i = 3; i < packet.Length; i++)
            {
                packet[i] = (byte)((sender * 31) + (sequence * 7) + i);
            }

            return packet;
        }

        private async Task AssertReceivedAsync(int sender, int count)
        {
            using var timeout = new CancellationTokenSource(Limit);
            var sequences = new HashSet<int>();
            for (int i = 0; i < count; i++)
            {
                byte[] packet = await _received.Reader.ReadAsync(timeout.Token);
                Assert.Equal(Packet(sender, packet[2]), packet);
                Assert.True(sequences.Add(packet[2]), $"datagram {packet[2]} arrived twice");
            }

            Assert.Equal(Enumerable.Range(0, count), sequences.Order());
            Assert.False(_received.Reader.TryRead(out _));
        }
    }
}
