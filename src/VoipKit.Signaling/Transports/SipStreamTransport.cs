using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transports;

/// <summary>
/// SIP over TCP, or TLS when <see cref="SipTlsOptions"/> are given (RFC 3261 18.3): a listener plus outbound connections,
/// reused per remote endpoint in both directions. Each connection is read through a <see cref="PipeReader"/> and cut into
/// messages by <see cref="SipStreamFramer"/>; a framing error, an oversized message or too many buffered bytes closes only
/// that connection, and a frame that fails to parse is skipped. Idle connections are closed; CRLF keep-alives (RFC 5626)
/// are answered, and <see cref="PingAsync"/> sends one.
/// </summary>
public sealed partial class SipStreamTransport : ISipTransport
{
    private readonly IPEndPoint _bindEndPoint;
    private readonly SipMessageHandler _handler;
    private readonly SipTransportOptions _options;
    private readonly SipTlsOptions? _tls;
    private readonly SipParseOptions _parseOptions;
    private readonly SipStreamFramer _framer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<IPEndPoint, SipStreamConnection> _byRemote = new();
    private readonly ConcurrentDictionary<SipStreamConnection, byte> _all = new();
    private readonly Dictionary<IPEndPoint, Task<SipStreamConnection>> _connecting = [];
    private Socket? _listener;
    private Task? _acceptLoop;
    private ITimer? _idleTimer;
    private int _open;
    private int _disposed;

    /// <summary>Creates the transport; nothing is bound until <see cref="StartAsync"/>.</summary>
    /// <param name="bindEndPoint">The local address and port to listen on (0 for an ephemeral port).</param>
    /// <param name="handler">Receives each well-formed message.</param>
    /// <param name="options">Limits and services; defaults when null.</param>
    /// <param name="tls">TLS settings; plain TCP when null.</param>
    public SipStreamTransport(IPEndPoint bindEndPoint, SipMessageHandler handler, SipTransportOptions? options = null, SipTlsOptions? tls = null)
    {
        ArgumentNullException.ThrowIfNull(bindEndPoint);
        ArgumentNullException.ThrowIfNull(handler);
        _options = options ?? new SipTransportOptions();
        _options.Validate();
        _bindEndPoint = bindEndPoint;
        _handler = handler;
        _tls = tls;
        _parseOptions = new SipParseOptions { MaxMessageSize = _options.MaxMessageSize, RequireContentLength = true };
        _framer = new SipStreamFramer(_options.MaxMessageSize);
        _time = _options.TimeProvider ?? TimeProvider.System;
        _logger = _options.LoggerFactory?.CreateLogger<SipStreamTransport>() ?? NullLogger<SipStreamTransport>.Instance;
        LocalEndPoint = bindEndPoint;
    }

    /// <inheritdoc/>
    public SipTransportProtocol Protocol => _tls is null ? SipTransportProtocol.Tcp : SipTransportProtocol.Tls;

    /// <inheritdoc/>
    public bool IsReliable => true;

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint { get; private set; }

    /// <inheritdoc/>
    public SipTransportStatistics Statistics { get; } = new();

    /// <summary>Connections open now, inbound and outbound.</summary>
    public int ConnectionCount => Volatile.Read(ref _open);

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_listener is not null)
        {
            throw new InvalidOperationException("The transport is already started.");
        }

        var listener = new Socket(_bindEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_bindEndPoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(_bindEndPoint);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        TimeSpan period = (_options.IdleTimeout < _options.IncompleteMessageTimeout ? _options.IdleTimeout : _options.IncompleteMessageTimeout) / 2;
        _idleTimer = _time.CreateTimer(_ => CloseIdleConnections(), null, period, period);
        LogStarted(_logger, Protocol, LocalEndPoint);
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="remote"/> is not an <see cref="IPEndPoint"/>.</exception>
    /// <exception cref="SipTransportException">The connection cap is reached, or connecting failed.</exception>
    public async ValueTask SendAsync(SipMessage message, EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var writer = new PooledBufferWriter();
        message.WriteTo(writer);
        if (writer.WrittenCount > _options.MaxMessageSize)
        {
            throw new ArgumentException($"The message is {writer.WrittenCount} bytes, over the {_options.MaxMessageSize}-byte limit.", nameof(message));
        }

        SipStreamConnection connection = await GetOrConnectAsync(remote, cancellationToken).ConfigureAwait(false);
        await connection.WriteAsync(writer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        Statistics.OnSent();
    }

    /// <summary>
    /// Sends a CRLFCRLF keep-alive ping on the connection to <paramref name="remote"/> (opening one if needed) and waits
    /// for the CRLF pong (RFC 5626 4.4.1). Bound the wait with <paramref name="cancellationToken"/> (RFC 5626 uses 10 s);
    /// a missing pong means the flow failed.
    /// </summary>
    /// <param name="remote">The peer.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the pong arrives; it fails with <see cref="IOException"/> if the connection closes.</returns>
    public async Task PingAsync(EndPoint remote, CancellationToken cancellationToken = default)
    {
        SipStreamConnection connection = await GetOrConnectAsync(remote, cancellationToken).ConfigureAwait(false);
        await connection.PingAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a connection to <paramref name="remote"/> is open (one that <see cref="SendAsync"/> would reuse).</summary>
    /// <param name="remote">The peer.</param>
    /// <returns>True when open.</returns>
    public bool HasConnection(IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return _byRemote.TryGetValue(Normalize(remote), out SipStreamConnection? c) && !c.IsClosed;
    }

    /// <summary>Stops listening, closes every connection and waits for their loops to end.</summary>
    /// <returns>A task that completes when everything is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_idleTimer is not null)
        {
            await _idleTimer.DisposeAsync().ConfigureAwait(false);
        }

        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        // Wait out connects in progress (they end quickly: _stop is cancelled); none starts after _disposed is set.
        Task<SipStreamConnection>[] connecting;
        lock (_connecting)
        {
            connecting = [.. _connecting.Values];
        }

        foreach (Task<SipStreamConnection> t in connecting)
        {
            await ((Task)t).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var loops = new List<Task>();
        foreach (SipStreamConnection c in _all.Keys)
        {
            c.Dispose();
            loops.Add(c.Completion);
        }

        // Each loop catches what a closing connection throws; anything else was a bug in that loop, and dispose still
        // has to finish.
        await Task.WhenAll(loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (Task loop in loops)
        {
            if (loop.Exception is { } fault)
            {
                LogLoopFailed(_logger, Protocol, fault);
            }
        }
        _stop.Dispose();
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private async ValueTask<SipStreamConnection> GetOrConnectAsync(EndPoint remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (remote is not IPEndPoint ip)
        {
            throw new ArgumentException("Stream transports send to resolved IP endpoints.", nameof(remote));
        }

        IPEndPoint key = Normalize(ip);
        if (_byRemote.TryGetValue(key, out SipStreamConnection? existing) && !existing.IsClosed)
        {
            return existing;
        }

        // Sends to a peer being connected share that connect, so two sends never open two connections. The caller's
        // token cancels only its own wait: the connect goes on (bounded by ConnectTimeout) for the others.
        Task<SipStreamConnection> pending;
        lock (_connecting)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_byRemote.TryGetValue(key, out existing) && !existing.IsClosed)
            {
                return existing;
            }

            if (!_connecting.TryGetValue(key, out pending!))
            {
                pending = ConnectSharedAsync(key);
                _connecting[key] = pending;
            }
        }

        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SipStreamConnection> ConnectSharedAsync(IPEndPoint remote)
    {
        // Leave the caller's lock before doing anything, so the entry is in _connecting before the finally removes it.
        await Task.Yield();
        try
        {
            return await ConnectAsync(remote).ConfigureAwait(false);
        }
        finally
        {
            lock (_connecting)
            {
                _connecting.Remove(remote);
            }
        }
    }

    private async Task<SipStreamConnection> ConnectAsync(IPEndPoint remote)
    {
        if (!TryReserveSlot())
        {
            throw new SipTransportException($"The cap of {_options.MaxConnections} connections is reached.");
        }

        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SipStreamConnection? connection = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_options.ConnectTimeout);
            await socket.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
            connection = new SipStreamConnection(socket, new NetworkStream(socket, ownsSocket: true), remote, outbound: true, _time);
            if (_tls is not null)
            {
                var ssl = new SslStream(connection.Stream, leaveInnerStreamOpen: false);
                connection.Stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = _tls.TargetHost ?? remote.Address.ToString(),
                        RemoteCertificateValidationCallback = _tls.RemoteCertificateValidation,
                        EnabledSslProtocols = _tls.EnabledProtocols,
                    },
                    timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or OperationCanceledException)
        {
            Interlocked.Decrement(ref _open);
            if (connection is not null && _tls is not null)
            {
                Statistics.OnTlsHandshakeFailure();
            }

            if (connection is null)
            {
                socket.Dispose();
            }
            else
            {
                connection.Dispose();
            }

            throw new SipTransportException($"Connecting to {remote} over {Protocol} failed.", ex);
        }

        // Completion is set before the connect task ends, so DisposeAsync (which awaits connects first) awaits the loop.
        _all[connection] = 0;
        connection.Completion = Task.Run(() => ReadLoopAsync(connection), CancellationToken.None);
        _byRemote[connection.Remote] = connection;
        LogConnected(_logger, Protocol, remote, "outbound");
        return connection;
    }

    private bool TryReserveSlot()
    {
        if (Interlocked.Increment(ref _open) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            return false;
        }

        return true;
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                LogSocketError(_logger, Protocol, ex.SocketErrorCode);
                continue;
            }

            if (!TryReserveSlot())
            {
                Statistics.OnConnectionRejected();
                LogRejected(_logger, Protocol, _options.MaxConnections);
                socket.Dispose();
                continue;
            }

            socket.NoDelay = true;
            var remote = Normalize((IPEndPoint)socket.RemoteEndPoint!);
            var connection = new SipStreamConnection(socket, new NetworkStream(socket, ownsSocket: true), remote, outbound: false, _time);
            _all[connection] = 0;
            connection.Completion = Task.Run(() => ServeInboundAsync(connection), CancellationToken.None);
        }
    }

    private async Task ServeInboundAsync(SipStreamConnection connection)
    {
        if (_tls is not null)
        {
            if (_tls.ServerCertificate is null)
            {
                LogHandshakeFailed(_logger, connection.Remote, "no server certificate is configured");
                Close(connection);
                return;
            }

            var ssl = new SslStream(connection.Stream, leaveInnerStreamOpen: false);
            connection.Stream = ssl;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.Closed);
                timeout.CancelAfter(_options.ConnectTimeout);
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _tls.ServerCertificate,
                        ClientCertificateRequired = false,
                        EnabledSslProtocols = _tls.EnabledProtocols,
                    },
                    timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
            {
                Statistics.OnTlsHandshakeFailure();
                LogHandshakeFailed(_logger, connection.Remote, ex.Message);
                Close(connection);
                return;
            }
        }

        _byRemote[connection.Remote] = connection;
        LogConnected(_logger, Protocol, connection.Remote, "inbound");
        await ReadLoopAsync(connection).ConfigureAwait(false);
    }

    private async Task ReadLoopAsync(SipStreamConnection connection)
    {
        CancellationToken cancellationToken = connection.Closed;
        PipeReader reader = PipeReader.Create(connection.Stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                connection.Touch();
                bool keepOpen = await DrainAsync(connection, ref buffer, cancellationToken).ConfigureAwait(false);
                if (keepOpen && buffer.Length > _options.MaxBufferedBytesPerConnection)
                {
                    Statistics.OnOversized();
                    keepOpen = false;
                }

                connection.SetPartial(!buffer.IsEmpty);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (!keepOpen)
                {
                    Statistics.OnConnectionClosedForError();
                    return;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away, or the connection was closed (idle, dispose, a failed write).
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            Close(connection);
            LogClosed(_logger, Protocol, connection.Remote);
        }
    }

    /// <summary>Cuts and handles every complete message in <paramref name="buffer"/>; false when the connection must close.</summary>
    private ValueTask<bool> DrainAsync(SipStreamConnection connection, ref ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        // Frames are parsed synchronously (the message owns its strings), then the async work runs without the ref buffer.
        List<SipReceivedMessage>? deliveries = null;
        List<SipResponse>? rejections = null;
        int pongs = 0;
        bool keepOpen = true;
        while (keepOpen)
        {
            SipFrameStatus status = _framer.TryRead(ref buffer, out ReadOnlySequence<byte> frame);
            switch (status)
            {
                case SipFrameStatus.NeedMoreData:
                    goto done;
                case SipFrameStatus.Message:
                    _ = SipMessage.TryParse(frame, out SipMessage? message, out SipParseException? error, _parseOptions);
                    switch (SipInbound.Parse(error, message, connection.Remote, _options, Statistics, _logger, out SipResponse? rejection))
                    {
                        case SipInbound.Outcome.Delivered:
                            (deliveries ??= []).Add(new SipReceivedMessage(message!, connection.Remote, this));
                            break;
                        case SipInbound.Outcome.Rejected:
                            (rejections ??= []).Add(rejection!);
                            break;
                        default:
                            break;
                    }

                    break;
                case SipFrameStatus.KeepAlivePing:
                    pongs++;
                    break;
                case SipFrameStatus.KeepAlivePong:
                    connection.OnPong();
                    break;
                case SipFrameStatus.MessageTooLarge:
                    Statistics.OnOversized();
                    LogFramingError(_logger, connection.Remote, status);
                    keepOpen = false;
                    break;
                default:
                    Statistics.OnMalformed();
                    LogFramingError(_logger, connection.Remote, status);
                    keepOpen = false;
                    break;
            }
        }

    done:
        if (deliveries is null && rejections is null && pongs == 0)
        {
            return ValueTask.FromResult(keepOpen);
        }

        return HandleAsync(connection, deliveries, rejections, pongs, keepOpen, cancellationToken);
    }

    private async ValueTask<bool> HandleAsync(
        SipStreamConnection connection,
        List<SipReceivedMessage>? deliveries,
        List<SipResponse>? rejections,
        int pongs,
        bool keepOpen,
        CancellationToken cancellationToken)
    {
        for (int i = 0; i < pongs; i++)
        {
            await connection.SendPongAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (SipResponse rejection in rejections ?? [])
        {
            using var writer = new PooledBufferWriter();
            rejection.WriteTo(writer);
            await connection.WriteAsync(writer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            Statistics.OnSent();
        }

        foreach (SipReceivedMessage received in deliveries ?? [])
        {
            await SipInbound.DeliverAsync(_handler, received, Statistics, _logger, cancellationToken).ConfigureAwait(false);
        }

        return keepOpen;
    }

    private void Close(SipStreamConnection connection)
    {
        connection.Dispose();
        if (_all.TryRemove(connection, out _))
        {
            Interlocked.Decrement(ref _open);
        }

        _byRemote.TryRemove(new KeyValuePair<IPEndPoint, SipStreamConnection>(connection.Remote, connection));
    }

    private void CloseIdleConnections()
    {
        foreach (SipStreamConnection c in _all.Keys)
        {
            if (c.IdleFor() >= _options.IdleTimeout)
            {
                Statistics.OnIdleConnectionClosed();
                LogIdle(_logger, Protocol, c.Remote);

                // Disposing ends the read loop, which unregisters the connection.
                c.Dispose();
            }
            else if (c.PartialFor() >= _options.IncompleteMessageTimeout)
            {
                Statistics.OnConnectionClosedForError();
                LogSlow(_logger, Protocol, c.Remote);
                c.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIP {Protocol} transport listening on {LocalEndPoint}")]
    private static partial void LogStarted(ILogger logger, SipTransportProtocol protocol, IPEndPoint localEndPoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP {Protocol} connection to {Remote} open ({Direction})")]
    private static partial void LogConnected(ILogger logger, SipTransportProtocol protocol, IPEndPoint remote, string direction);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP {Protocol} connection to {Remote} closed")]
    private static partial void LogClosed(ILogger logger, SipTransportProtocol protocol, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP {Protocol} connection to {Remote} idle, closing")]
    private static partial void LogIdle(ILogger logger, SipTransportProtocol protocol, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP {Protocol} connection to {Remote} left a message incomplete too long, closing")]
    private static partial void LogSlow(ILogger logger, SipTransportProtocol protocol, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Error, Message = "A SIP {Protocol} connection loop failed")]
    private static partial void LogLoopFailed(ILogger logger, SipTransportProtocol protocol, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP {Protocol} connection refused: the cap of {Cap} connections is reached")]
    private static partial void LogRejected(ILogger logger, SipTransportProtocol protocol, int cap);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP {Protocol} accept error {Error}")]
    private static partial void LogSocketError(ILogger logger, SipTransportProtocol protocol, SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the SIP stream from {Remote}: {Status}")]
    private static partial void LogFramingError(ILogger logger, IPEndPoint remote, SipFrameStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TLS handshake with {Remote} failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, IPEndPoint remote, string reason);
}
