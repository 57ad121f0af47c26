using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Media.Session;

namespace VoipKit.Media.Transport;

/// <summary>
/// RTP and RTCP over one UDP socket (rtcp-mux, RFC 5761): sends to a remote endpoint that can be
/// changed during the call (an ICE path switch, or symmetric RTP latching), and runs a receive
/// loop that tells RTP from RTCP by the second byte and drops what is not media or not from the
/// remote, counting each drop. Sending and receiving allocate nothing per packet: one pooled
/// buffer and one reused <see cref="SocketAddress"/> serve the whole loop.
/// </summary>
/// <remarks>
/// Use it as a <see cref="MediaSession"/>'s <see cref="IMediaTransport"/> and hand received
/// packets to <see cref="MediaSession.OnPacketReceived"/> with <see cref="Start(MediaSession, CancellationToken)"/>.
/// <see cref="Send"/> and <see cref="RemoteEndPoint"/> are thread-safe; the handler runs on the
/// receive loop, one packet at a time.
/// </remarks>
public sealed partial class UdpMediaTransport : IMediaTransport, IAsyncDisposable
{
    private readonly UdpMediaTransportOptions _options;
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private Peer? _peer;
    private Task? _loop;
    private int _disposed;
    private long _packetsSent, _bytesSent, _sendFailures, _rtp, _rtcp, _bytesReceived, _wrongSource, _malformed, _latches, _receiveErrors;

    /// <summary>Binds the socket.</summary>
    /// <param name="options">Local and remote endpoints, latching; defaults when null.</param>
    /// <param name="logger">Logging; none when null.</param>
    /// <exception cref="SocketException">The address cannot be bound (for example the port is in use).</exception>
    public UdpMediaTransport(UdpMediaTransportOptions? options = null, ILogger<UdpMediaTransport>? logger = null)
    {
        _options = options ?? new UdpMediaTransportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPacketBytes, 12, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        IPEndPoint local = _options.LocalEndPoint;
        _socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6 && local.Address.Equals(IPAddress.IPv6Any))
            {
                _socket.DualMode = true;
            }

            if (_options.SocketReceiveBufferBytes > 0)
            {
                _socket.ReceiveBufferSize = _options.SocketReceiveBufferBytes;
            }

            _socket.Bind(local);
        }
        catch (SocketException)
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        if (_options.RemoteEndPoint is { } remote)
        {
            _peer = Peer.Create(remote, _socket.AddressFamily);
        }
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>
    /// Where packets go and where they are accepted from: null until known. Set it to switch paths
    /// during the call; latching (<see cref="UdpMediaTransportOptions.LatchRemote"/>) also changes it.
    /// For a dual-stack socket an IPv4 endpoint is kept in its IPv4-mapped IPv6 form.
    /// </summary>
    public IPEndPoint? RemoteEndPoint
    {
        get => Volatile.Read(ref _peer)?.EndPoint;
        set => Volatile.Write(ref _peer, value is null ? null : Peer.Create(value, _socket.AddressFamily));
    }

    /// <summary>The receive loop, once started: it completes when the transport is disposed or the start token is cancelled.</summary>
    public Task? Completion => _loop;

    /// <summary>A snapshot of the counters.</summary>
    public UdpMediaTransportStatistics Statistics => new()
    {
        PacketsSent = Interlocked.Read(ref _packetsSent),
        BytesSent = Interlocked.Read(ref _bytesSent),
        SendFailures = Interlocked.Read(ref _sendFailures),
        RtpPacketsReceived = Interlocked.Read(ref _rtp),
        RtcpPacketsReceived = Interlocked.Read(ref _rtcp),
        BytesReceived = Interlocked.Read(ref _bytesReceived),
        WrongSourceDrops = Interlocked.Read(ref _wrongSource),
        MalformedDrops = Interlocked.Read(ref _malformed),
        RemoteLatches = Interlocked.Read(ref _latches),
        ReceiveErrors = Interlocked.Read(ref _receiveErrors),
    };

    /// <summary>Starts the receive loop, handing every accepted packet to <paramref name="session"/>.</summary>
    /// <param name="session">The session that receives.</param>
    /// <param name="cancellationToken">Stops the loop (disposing the transport stops it too).</param>
    public void Start(MediaSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        Start((packet, _) => session.OnPacketReceived(packet), cancellationToken);
    }

    /// <summary>Starts the receive loop.</summary>
    /// <param name="handler">
    /// Called for every accepted RTP or RTCP packet, on the loop. It should not throw: an
    /// exception ends the loop and faults <see cref="Completion"/> (and <see cref="DisposeAsync"/>).
    /// </param>
    /// <param name="cancellationToken">Stops the loop (disposing the transport stops it too).</param>
    /// <exception cref="InvalidOperationException">The loop is already running.</exception>
    public void Start(MediaPacketHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_loop is not null)
        {
            throw new InvalidOperationException("The receive loop is already running.");
        }

        _loop = ReceiveLoopAsync(handler, cancellationToken);
    }

    /// <summary>Sends one packet to the remote endpoint; counts a failure (never throws) when there is none or the socket refuses.</summary>
    /// <param name="packet">The packet.</param>
    public void Send(ReadOnlySpan<byte> packet)
    {
        Peer? peer = Volatile.Read(ref _peer);
        if (peer is null || Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Increment(ref _sendFailures);
            return;
        }

        try
        {
            int sent = _socket.SendTo(packet, SocketFlags.None, peer.Address);
            Interlocked.Increment(ref _packetsSent);
            Interlocked.Add(ref _bytesSent, sent);
        }
        catch (SocketException)
        {
            // Unreachable network, full buffer: media is best effort, the loss shows in RTCP.
            Interlocked.Increment(ref _sendFailures);
        }
        catch (ObjectDisposedException)
        {
            Interlocked.Increment(ref _sendFailures);
        }
    }

    /// <summary>Stops the receive loop and closes the socket, freeing the port.</summary>
    /// <returns>A task that completes when the loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync(MediaPacketHandler handler, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, cancellationToken);
        CancellationToken ct = linked.Token;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.MaxPacketBytes + 1);
        var from = new SocketAddress(_socket.AddressFamily);
        // One byte more than accepted: a datagram that fills it was too long.
        Memory<byte> window = buffer.AsMemory(0, _options.MaxPacketBytes + 1);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = await _socket.ReceiveFromAsync(window, SocketFlags.None, from, ct).ConfigureAwait(false);
                }
                catch (SocketException e) when (!ct.IsCancellationRequested && e.SocketErrorCode != SocketError.OperationAborted)
                {
                    // ICMP errors from earlier sends surface here on some systems: count and go on.
                    Interlocked.Increment(ref _receiveErrors);
                    LogReceiveError(_logger, e.SocketErrorCode);
                    continue;
                }

                Deliver(buffer.AsSpan(0, n), from, handler);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped: the normal end.
        }
        catch (SocketException) when (ct.IsCancellationRequested || Volatile.Read(ref _disposed) != 0)
        {
            // The socket closed under a pending receive during disposal.
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
        {
            // Likewise.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Deliver(ReadOnlySpan<byte> packet, SocketAddress from, MediaPacketHandler handler)
    {
        // RFC 7983: 128–191 in the first byte is RTP or RTCP (version 2); STUN, DTLS and the rest are not ours.
        if (packet.Length < 8 || packet.Length > _options.MaxPacketBytes || (packet[0] & 0xC0) != 0x80)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        // RFC 5761 4: RTCP packet types 192–223 sit where RTP payload types 64–95 (with the marker bit) would be.
        bool rtcp = packet[1] is >= 192 and <= 223;
        if (!rtcp && packet.Length < 12)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        Peer? peer = Volatile.Read(ref _peer);
        if (peer is null || !peer.Address.Equals(from))
        {
            if (!_options.LatchRemote)
            {
                Interlocked.Increment(ref _wrongSource);
                return;
            }

            // Symmetric RTP: answer where the peer's packets come from. Allocates, but only on a change.
            var endPoint = (IPEndPoint)LocalEndPoint.Create(from);
            Volatile.Write(ref _peer, Peer.Create(endPoint, _socket.AddressFamily));
            Interlocked.Increment(ref _latches);
            LogLatched(_logger, endPoint);
        }

        Interlocked.Increment(ref rtcp ? ref _rtcp : ref _rtp);
        Interlocked.Add(ref _bytesReceived, packet.Length);
        handler(packet, rtcp ? MediaPacketKind.Rtcp : MediaPacketKind.Rtp);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media transport: remote endpoint latched to {EndPoint}")]
    private static partial void LogLatched(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Media transport: receive error {Error}, continuing")]
    private static partial void LogReceiveError(ILogger logger, SocketError error);

    // The remote endpoint and its serialized form, swapped as one so Send never sees half a change.
    private sealed class Peer(IPEndPoint endPoint)
    {
        public IPEndPoint EndPoint { get; } = endPoint;

        public SocketAddress Address { get; } = endPoint.Serialize();

        public static Peer Create(IPEndPoint endPoint, AddressFamily socketFamily)
        {
            ArgumentNullException.ThrowIfNull(endPoint);
            if (socketFamily == AddressFamily.InterNetworkV6 && endPoint.AddressFamily == AddressFamily.InterNetwork)
            {
                endPoint = new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port);
            }

            return new Peer(endPoint);
        }
    }
}
