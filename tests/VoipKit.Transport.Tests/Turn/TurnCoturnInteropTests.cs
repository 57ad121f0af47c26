using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Tests.Interop;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>Our TURN client against coturn 4.6 on loopback (allow-loopback-peers), with our own UDP socket or turnutils_peer as the peer.</summary>
[Trait("Category", "Interop")]
public sealed class TurnCoturnInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Allocate_permission_send_and_data_indications_channel_data_refresh_and_delete()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        using var cts = new CancellationTokenSource(Limit);
        using var transport = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = new TurnClient(transport, Options(server, CoturnServer.Password));
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = StunEndPoint.FromIPEndPoint((IPEndPoint)peer.LocalEndPoint!);

        TurnAllocation allocation = await client.AllocateAsync(cts.Token);
        IPEndPoint relayed = allocation.RelayedAddress.ToIPEndPoint();
        Assert.Equal(IPAddress.Loopback, relayed.Address);
        Assert.Equal(transport.LocalEndPoint, allocation.MappedAddress.ToIPEndPoint());
        Assert.True(allocation.Lifetime > TimeSpan.Zero);
        Channel<(StunEndPoint, byte[])> inbound = Collect(allocation);

        // Send indication out, Data indication back.
        await allocation.CreatePermissionAsync(peerEndPoint, cts.Token);
        Assert.True(await allocation.SendAsync(peerEndPoint, "to peer via Send indication"u8.ToArray(), cts.Token));
        AssertReceived("to peer via Send indication"u8.ToArray(), relayed, await ReceiveAsync(peer, cts.Token));
        await peer.SendToAsync("back via Data indication"u8.ToArray(), relayed, cts.Token);
        AssertDelivered(peerEndPoint, "back via Data indication"u8.ToArray(), await ReadAsync(inbound, cts.Token));
        Assert.Equal(1, client.Counters.DataIndicationsReceived);

        // ChannelData both ways once the channel is bound.
        ushort channel = await allocation.BindChannelAsync(peerEndPoint, cts.Token);
        Assert.Equal(0x4000, channel);
        byte[] payload = Enumerable.Range(0, 161).Select(i => (byte)i).ToArray(); // not a multiple of 4
        Assert.True(await allocation.SendAsync(peerEndPoint, payload, cts.Token));
        AssertReceived(payload, relayed, await ReceiveAsync(peer, cts.Token));
        await peer.SendToAsync(payload.Reverse().ToArray(), relayed, cts.Token);
        AssertDelivered(peerEndPoint, payload.Reverse().ToArray(), await ReadAsync(inbound, cts.Token));
        Assert.Equal((1, 1, 1), (client.Counters.ChannelDataSent, client.Counters.ChannelDataReceived, client.Counters.SendIndicationsSent));
        Assert.Equal(0, client.Counters.DroppedMalformed + client.Counters.DroppedUnknownChannel + client.Counters.DroppedNoPermission);

        // A refresh is granted; disposing deletes the allocation, so the next refresh gets 437.
        Assert.True(await client.RefreshAsync(600, cts.Token) > TimeSpan.Zero);
        await allocation.DisposeAsync();
        Assert.Null(client.Allocation);
        // coturn answers the LIFETIME 0 Refresh at once and frees the allocation on its next timer tick (~1 s).
        await WaitForLogAsync(server, ": delete: realm=<voipkit.test>, username=<alice>", cts.Token);
        TurnErrorException e = await Assert.ThrowsAsync<TurnErrorException>(() => client.RefreshAsync(600, cts.Token));
        Assert.Equal(TurnErrorKind.AllocationMismatch, e.Kind);
        Assert.Equal(437, e.Code);
    }

    [Fact]
    public async Task Turnutils_peer_echoes_160_byte_packets_through_a_channel()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        await using TurnutilsPeer echo = await TurnutilsPeer.StartAsync();
        using var cts = new CancellationTokenSource(Limit);
        using var transport = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = new TurnClient(transport, Options(server, CoturnServer.Password));
        TurnAllocation allocation = await client.AllocateAsync(cts.Token);
        Channel<(StunEndPoint, byte[])> inbound = Collect(allocation);
        var peer = StunEndPoint.FromIPEndPoint(echo.EndPoint);
        await allocation.BindChannelAsync(peer, cts.Token);
        for (int i = 0; i < 20; i++)
        {
            byte[] packet = Enumerable.Repeat((byte)i, 160).ToArray();
            Assert.True(await allocation.SendAsync(peer, packet, cts.Token));
            AssertDelivered(peer, packet, await ReadAsync(inbound, cts.Token));
        }

        Assert.Equal(20, client.Counters.ChannelDataReceived);
    }

    [Fact]
    public async Task Wrong_password_is_a_typed_unauthorized_error()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        using var cts = new CancellationTokenSource(Limit);
        using var transport = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = new TurnClient(transport, Options(server, "wrong-password"));
        TurnErrorException e = await Assert.ThrowsAsync<TurnErrorException>(() => client.AllocateAsync(cts.Token));
        Assert.Equal(TurnErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.Code);
    }

    private static async Task WaitForLogAsync(CoturnServer server, string text, CancellationToken ct)
    {
        while (!server.ReadLog().Contains(text, StringComparison.Ordinal))
        {
            await Task.Delay(100, ct);
        }
    }

    private static void AssertReceived(byte[] expected, IPEndPoint from, (byte[] Data, EndPoint From) received)
    {
        Assert.Equal(expected, received.Data);
        Assert.Equal(from, received.From);
    }

    private static void AssertDelivered(StunEndPoint peer, byte[] expected, (StunEndPoint Peer, byte[] Data) delivered)
    {
        Assert.Equal(peer, delivered.Peer);
        Assert.Equal(expected, delivered.Data);
    }

    private static TurnClientOptions Options(CoturnServer server, string password) =>
        new() { Server = server.EndPoint, Username = CoturnServer.Username, Password = password };

    private static Channel<(StunEndPoint, byte[])> Collect(TurnAllocation allocation)
    {
        var inbound = Channel.CreateUnbounded<(StunEndPoint, byte[])>();
        allocation.DataReceived = (in StunEndPoint peer, ReadOnlySpan<byte> data) => inbound.Writer.TryWrite((peer, data.ToArray()));
        return inbound;
    }

    private static async Task<(StunEndPoint, byte[])> ReadAsync(Channel<(StunEndPoint, byte[])> inbound, CancellationToken ct) =>
        await inbound.Reader.ReadAsync(ct);

    private static async Task<(byte[], EndPoint)> ReceiveAsync(Socket peer, CancellationToken ct)
    {
        byte[] buffer = new byte[2048];
        SocketReceiveFromResult r = await peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
        return (buffer[..r.ReceivedBytes], r.RemoteEndPoint);
    }
}
