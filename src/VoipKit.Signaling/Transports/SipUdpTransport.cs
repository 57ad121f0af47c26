using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transports;

/// <summary>
/// SIP over UDP (RFC 3261 18): one socket, one message per datagram. The receive loop reuses one pooled buffer, so a
/// datagram costs only the parsed message (and its source endpoint). Binding to <see cref="IPAddress.IPv6Any"/> takes
/// IPv4 too (dual mode).
/// </summary>
public sealed partial class SipUdpTransport : ISipTransport
{
    private readonly IPEndPoint _bindEndPoint;
    private readonly SipMessageHandler _handler;
    private readonly SipTransportOptions _options;
    private readonly SipParseOptions _parseOptions;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task? _receiveLoop;
    private int _disposed;

    /// <summary>Creates the transport; nothing is bound until <see cref="StartAsync"/>.</summary>
    /// <param name="bindEndPoint">The local address and port (0 for an ephemeral port).</param>
    /// <param name="handler">Receives each well-formed message.</param>
    /// <param name="options">Limits and services; defaults when null.</param>
    public SipUdpTransport(IPEndPoint bindEndPoint, SipMessageHandler handler, SipTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bindEndPoint);
        ArgumentNullException.ThrowIfNull(handler);
        _options = options ?? new SipTransportOptions();
        _options.Validate();
        _bindEndPoint = bindEndPoint;
        _handler = handler;
        _parseOptions = new SipParseOptions { MaxMessageSize = _options.MaxMessageSize };
        _logger = _options.LoggerFactory?.CreateLogger<SipUdpTransport>() ?? NullLogger<SipUdpTransport>.Instance;
        LocalEndPoint = bindEndPoint;
    }

    /// <inheritdoc/>
    public SipTransportProtocol Protocol => SipTransportProtocol.Udp;

    /// <inheritdoc/>
    public bool IsReliable => false;

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint { get; private set; }

    /// <inheritdoc/>
    public SipTransportStatistics Statistics { get; } = new();

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_socket is not null)
        {
            throw new InvalidOperationException("The transport is already started.");
        }

        var socket = new Socket(_bindEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (_bindEndPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(_bindEndPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        LogStarted(_logger, LocalEndPoint);
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(socket, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask SendAsync(SipMessage message, EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(remote);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Socket socket = _socket ?? throw new InvalidOperationException("The transport is not started.");
        using var writer = new PooledBufferWriter();
        message.WriteTo(writer);
        if (writer.WrittenCount > _options.MaxMessageSize)
        {
            throw new ArgumentException($"The message is {writer.WrittenCount} bytes, over the {_options.MaxMessageSize}-byte limit.", nameof(message));
        }

        await socket.SendToAsync(writer.WrittenMemory, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        Statistics.OnSent();
    }

    /// <summary>Stops the receive loop and closes the socket.</summary>
    /// <returns>A task that completes when the loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync(Socket socket, CancellationToken cancellationToken)
    {
        // One byte over the limit tells an oversized datagram from one exactly at it.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_options.MaxMessageSize + 1, 65536));
        var address = new SocketAddress(socket.AddressFamily);
        SocketAddress? lastAddress = null;
        IPEndPoint? lastRemote = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int length;
                try
                {
                    length = await socket.ReceiveFromAsync(buffer, SocketFlags.None, address, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // An ICMP error from an earlier send (port unreachable) surfaces here; the socket is still good.
                    LogReceiveError(_logger, ex.SocketErrorCode);
                    continue;
                }
                catch (SocketException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                // Consecutive datagrams from one peer (the common case) share one endpoint object.
                if (lastRemote is null || !address.Equals(lastAddress))
                {
                    lastRemote = (IPEndPoint)_bindEndPoint.Create(address);
                    lastAddress = new SocketAddress(address.Family, address.Size);
                    address.Buffer.CopyTo(lastAddress.Buffer);
                }

                IPEndPoint remote = lastRemote;
                await HandleDatagramAsync(buffer.AsMemory(0, length), remote, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed while the handler ran.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal async ValueTask HandleDatagramAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken)
    {
        if (IsKeepAlive(datagram.Span))
        {
            // RFC 5626 4.4.2: a UDP keep-alive is STUN, and a bare CRLF is tolerated noise; neither is SIP.
            return;
        }

        SipParseException? error;
        SipMessage? message;
        if (datagram.Length > _options.MaxMessageSize)
        {
            message = null;
            error = new SipParseException(SipParseError.MessageTooLarge, $"The datagram is over the {_options.MaxMessageSize}-byte limit.");
        }
        else
        {
            _ = SipMessage.TryParse(datagram.Span, out message, out error, _parseOptions);
        }

        switch (SipInbound.Parse(error, message, remote, _options, Statistics, _logger, out SipResponse? rejection))
        {
            case SipInbound.Outcome.Delivered:
                await SipInbound.DeliverAsync(_handler, new SipReceivedMessage(message!, remote, this), Statistics, _logger, cancellationToken).ConfigureAwait(false);
                break;
            case SipInbound.Outcome.Rejected:
                await SendRejectionAsync(rejection!, remote, cancellationToken).ConfigureAwait(false);
                break;
            default:
                break;
        }
    }

    private async ValueTask SendRejectionAsync(SipResponse response, IPEndPoint remote, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(response, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            LogReceiveError(_logger, ex.SocketErrorCode);
        }
        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed while answering: the loop ends on its next receive.
        }
    }

    private static bool IsKeepAlive(ReadOnlySpan<byte> datagram) =>
        datagram.Length <= 4 && datagram.TrimStart("\r\n"u8).IsEmpty;

    [LoggerMessage(Level = LogLevel.Information, Message = "SIP UDP transport listening on {LocalEndPoint}")]
    private static partial void LogStarted(ILogger logger, IPEndPoint localEndPoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP UDP socket error {Error}; receiving goes on")]
    private static partial void LogReceiveError(ILogger logger, SocketError error);
}
