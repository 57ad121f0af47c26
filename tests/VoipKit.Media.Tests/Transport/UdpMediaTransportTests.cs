using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using VoipKit.Media.Tests.Session;
using VoipKit.Media.Transport;

namespace VoipKit.Media.Tests.Transport;

/// <summary>UdpMediaTransport on loopback sockets: latching, source filtering, rtcp-mux demultiplexing, disposal, IPv6.</summary>
[Trait("Category", "Network")]
[Collection(RealTimeTests.Name)]
public class UdpMediaTransportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static byte[] Rtp(ushort seq) => [0x80, 111, (byte)(seq >> 8), (byte)seq, 0, 0, 0, 1, 0, 0, 0x12, 0x34, 0xAA, 0xBB];

    private static byte[] Rtcp() => [0x80, 201, 0, 1, 0, 0, 0x12, 0x34]; // an empty RR

    private static Socket Raw(IPAddress address)
    {
        var s = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(address, 0));
        s.ReceiveTimeout = 5000;
        return s;
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        DateTime end = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, $"timed out waiting for {what}");
            Thread.Sleep(2);
        }
    }

    [Fact]
    public async Task Latching_learns_the_remote_from_the_first_packet_and_answers_there()
    {
        await using var t = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0), LatchRemote = true });
        var got = new ConcurrentQueue<MediaPacketKind>();
        t.Start((p, k) => got.Enqueue(k));
        t.Send(Rtp(1)); // no remote yet
        Assert.Equal(1, t.Statistics.SendFailures);

        using Socket peer = Raw(IPAddress.Loopback);
        peer.SendTo(Rtp(1), t.LocalEndPoint);
        WaitFor(() => !got.IsEmpty, "the first packet");
        Assert.Equal(peer.LocalEndPoint, t.RemoteEndPoint);
        Assert.Equal(1, t.Statistics.RemoteLatches);

        t.Send(Rtp(7));
        byte[] buffer = new byte[100];
        int n = peer.Receive(buffer);
        Assert.Equal(Rtp(7), buffer[..n]);

        // A second source takes over (the peer's NAT rebound): latched again, counted.
        using Socket moved = Raw(IPAddress.Loopback);
        moved.SendTo(Rtp(2), t.LocalEndPoint);
        WaitFor(() => got.Count == 2, "the packet from the new source");
        Assert.Equal(moved.LocalEndPoint, t.RemoteEndPoint);
        Assert.Equal(2, t.Statistics.RemoteLatches);
    }

    [Fact]
    public async Task Packets_from_another_source_are_dropped_and_counted_without_latching()
    {
        using Socket peer = Raw(IPAddress.Loopback);
        using Socket stranger = Raw(IPAddress.Loopback);
        await using var t = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0), RemoteEndPoint = (IPEndPoint)peer.LocalEndPoint! });
        var got = new ConcurrentQueue<byte[]>();
        t.Start((p, k) => got.Enqueue(p.ToArray()));
        stranger.SendTo(Rtp(1), t.LocalEndPoint);
        stranger.SendTo(Rtp(2), t.LocalEndPoint);
        peer.SendTo(Rtp(3), t.LocalEndPoint);
        WaitFor(() => !got.IsEmpty, "the peer's packet");
        WaitFor(() => t.Statistics.WrongSourceDrops == 2, "two drops");
        Assert.Single(got);
        Assert.Equal(Rtp(3), got.Single());
        Assert.Equal(peer.LocalEndPoint, t.RemoteEndPoint);
        Assert.Equal(0, t.Statistics.RemoteLatches);
    }

    [Fact]
    public async Task Rtp_and_rtcp_are_told_apart_on_one_port_and_other_traffic_is_dropped()
    {
        using Socket peer = Raw(IPAddress.Loopback);
        await using var t = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0), RemoteEndPoint = (IPEndPoint)peer.LocalEndPoint! });
        var got = new ConcurrentQueue<(MediaPacketKind Kind, int Length)>();
        t.Start((p, k) => got.Enqueue((k, p.Length)));
        byte[] markedRtp = Rtp(5);
        markedRtp[1] = 0x80 | 96; // marker bit + PT 96 = 224: just above the RTCP range, still RTP
        byte[] stun = new byte[20];
        stun[1] = 0x01; // binding request: first byte 0
        byte[] dtls = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        peer.SendTo(Rtp(1), t.LocalEndPoint);
        peer.SendTo(Rtcp(), t.LocalEndPoint);
        peer.SendTo(stun, t.LocalEndPoint);
        peer.SendTo(dtls, t.LocalEndPoint);
        peer.SendTo(new byte[] { 0x80, 111, 0, 1 }, t.LocalEndPoint); // too short for RTP
        peer.SendTo(new byte[1600], t.LocalEndPoint); // too long
        peer.SendTo(markedRtp, t.LocalEndPoint);
        WaitFor(() => got.Count == 3 && t.Statistics.MalformedDrops == 4, "3 packets and 4 drops");
        Assert.Equal([(MediaPacketKind.Rtp, 14), (MediaPacketKind.Rtcp, 8), (MediaPacketKind.Rtp, 14)], got.ToArray());
        UdpMediaTransportStatistics s = t.Statistics;
        Assert.Equal(2, s.RtpPacketsReceived);
        Assert.Equal(1, s.RtcpPacketsReceived);
        Assert.Equal(36, s.BytesReceived);
    }

    [Fact]
    public async Task Dispose_ends_the_receive_loop_and_frees_the_port()
    {
        var t = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        t.Start((_, _) => { });
        IPEndPoint bound = t.LocalEndPoint;
        Assert.False(t.Completion!.IsCompleted);
        await t.DisposeAsync();
        Assert.True(t.Completion.IsCompletedSuccessfully);
        t.Send(Rtp(1)); // after disposal: counted, not thrown
        Assert.Equal(1, t.Statistics.SendFailures);
        // The port is free again.
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        again.Bind(bound);
    }

    [Fact]
    public async Task The_start_token_also_ends_the_loop()
    {
        await using var t = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        using var cts = new CancellationTokenSource();
        t.Start((_, _) => { }, cts.Token);
        await cts.CancelAsync();
        await t.Completion!.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Ipv6_loopback_both_ways_and_a_path_switch()
    {
        await using var a = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 0) });
        await using var b = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 0) });
        await using var c = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 0) });
        a.RemoteEndPoint = b.LocalEndPoint;
        b.RemoteEndPoint = a.LocalEndPoint;
        c.RemoteEndPoint = a.LocalEndPoint;
        int atB = 0, atA = 0, atC = 0;
        a.Start((_, _) => Interlocked.Increment(ref atA));
        b.Start((_, _) => Interlocked.Increment(ref atB));
        c.Start((_, _) => Interlocked.Increment(ref atC));
        a.Send(Rtp(1));
        b.Send(Rtcp());
        WaitFor(() => Volatile.Read(ref atB) == 1 && Volatile.Read(ref atA) == 1, "one packet each way");
        Assert.Equal(AddressFamily.InterNetworkV6, a.LocalEndPoint.AddressFamily);

        // ICE picked another path: A now sends to C.
        a.RemoteEndPoint = c.LocalEndPoint;
        a.Send(Rtp(2));
        WaitFor(() => Volatile.Read(ref atC) == 1, "the packet on the new path");
        Assert.Equal(1, Volatile.Read(ref atB));
    }

    [Fact]
    public async Task A_dual_stack_socket_accepts_an_ipv4_peer()
    {
        using Socket peer = Raw(IPAddress.Loopback);
        await using var t = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.IPv6Any, 0), RemoteEndPoint = (IPEndPoint)peer.LocalEndPoint! });
        int got = 0;
        t.Start((_, _) => Interlocked.Increment(ref got));
        peer.SendTo(Rtp(1), new IPEndPoint(IPAddress.Loopback, t.LocalEndPoint.Port));
        WaitFor(() => Volatile.Read(ref got) == 1, "the IPv4 packet");
        t.Send(Rtp(2));
        byte[] buffer = new byte[100];
        Assert.Equal(14, peer.Receive(buffer));
    }

    [Fact]
    public async Task Receive_loop_and_send_allocate_nothing_per_packet_after_warm_up()
    {
        // Measured on the loop's own thread (the handler reads that thread's allocation counter),
        // so tests running in parallel cannot disturb it: between two packets handled on the same
        // thread lies exactly one turn of the loop (completion, checks, handler, next receive).
        await using var a = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await using var b = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        a.RemoteEndPoint = b.LocalEndPoint;
        b.RemoteEndPoint = a.LocalEndPoint;
        const int Count = 3000;
        int[] threads = new int[Count];
        long[] allocated = new long[Count];
        int received = 0;
        b.Start((_, _) =>
        {
            int i = Interlocked.Increment(ref received) - 1;
            if (i < Count)
            {
                threads[i] = Environment.CurrentManagedThreadId;
                allocated[i] = GC.GetAllocatedBytesForCurrentThread();
            }
        });
        byte[] packet = Rtp(1);
        for (int i = 0; i < Count; i++)
        {
            a.Send(packet);
            if (i % 20 == 19)
            {
                WaitFor(() => Volatile.Read(ref received) >= i + 1 - 5, "the receiver to keep up");
            }
        }

        WaitFor(() => Volatile.Read(ref received) >= Count, "all packets");
        int pairs = 0, clean = 0;
        for (int i = 1000; i < Count; i++) // the first 1000 warm up tiering and the socket's pooled state
        {
            if (threads[i] == threads[i - 1])
            {
                pairs++;
                clean += allocated[i] == allocated[i - 1] ? 1 : 0;
            }
        }

        // A per-packet allocation would show in every pair; other work the pool thread picked up
        // between two packets may show in a few.
        Assert.True(pairs >= 200, $"only {pairs} consecutive packets on one thread");
        Assert.True(clean >= 0.9 * pairs, $"{pairs - clean} of {pairs} loop turns allocated");
        Assert.Equal(0, b.Statistics.WrongSourceDrops + a.Statistics.SendFailures);

        // Send runs on the caller's thread: measured directly.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            a.Send(packet);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
