using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

/// <summary>
/// A TURN client over UDP (RFC 8656) on one socket: one allocation at a time on the server. Reads the socket itself
/// (or is handed datagrams by its owner with <see cref="TryHandleDatagram"/>), passing STUN responses to its
/// transactions and Data indications and ChannelData to the allocation. <see cref="AllocateAsync"/> authenticates with
/// long-term credentials and follows one ALTERNATE-SERVER redirection.
/// </summary>
internal sealed partial class TurnClient : IAsyncDisposable
{
    private const int MaxDatagram = 65_536;
    private readonly IDatagramTransport _transport;
    private readonly StunClient _stun;
    private readonly TurnRequester _requester;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private TurnAllocation? _allocation;
    private int _disposed;
    private int _allocating;

    /// <summary>Creates a client over <paramref name="transport"/> (not owned: the caller disposes it).</summary>
    public TurnClient(IDatagramTransport transport, TurnClientOptions options, TimeProvider? timeProvider = null, ILogger<TurnClient>? logger = null)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentNullException.ThrowIfNull(options.Server, nameof(options));
        Time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _stun = new StunClient(transport, Time, options.Transactions with { RunReceiveLoop = false });
        _requester = new TurnRequester(_stun, options.Username, options.Password, _logger) { Server = options.Server };
        _receiveLoop = options.RunReceiveLoop ? ReceiveLoopAsync(_stop.Token) : Task.CompletedTask;
    }

    /// <summary>The server in use: <see cref="TurnClientOptions.Server"/>, or where a 300 redirected to.</summary>
    public IPEndPoint Server => _requester.Server;

    /// <summary>Packet and drop counters.</summary>
    public TurnCounters Counters { get; } = new();

    /// <summary>The current allocation, if any.</summary>
    public TurnAllocation? Allocation => Volatile.Read(ref _allocation);

    internal TurnClientOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger => _logger;

    internal IDatagramTransport Transport => _transport;

    /// <summary>
    /// Creates an allocation with REQUESTED-TRANSPORT UDP: 401 → long-term credentials, 438 → new nonce, 300 →
    /// ALTERNATE-SERVER (once). The allocation is refreshed before it expires until disposed.
    /// </summary>
    /// <exception cref="TurnErrorException">An error response (wrong password: <see cref="TurnErrorKind.Unauthorized"/>).</exception>
    /// <exception cref="TimeoutException">The server did not answer.</exception>
    public async Task<TurnAllocation> AllocateAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Allocation is not null || Interlocked.Exchange(ref _allocating, 1) != 0)
        {
            throw new InvalidOperationException("This client already has an allocation (or is making one); dispose it first.");
        }

        try
        {
            return await AllocateOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _allocating, 0);
        }
    }

    private async Task<TurnAllocation> AllocateOnceAsync(CancellationToken cancellationToken)
    {
        uint? lifetime = Options.RequestedLifetime is TimeSpan l ? (uint)l.TotalSeconds : null;
        bool redirected = false;
        byte[] response;
        while (true)
        {
            try
            {
                response = await _requester.ExecuteAsync(new TurnRequest(TurnConstants.Allocate, lifetime), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (TurnErrorException e) when (e.Code == 300 && e.AlternateServer is not null && !redirected)
            {
                LogRedirect(Server, e.AlternateServer);
                redirected = true;
                _requester.ResetCredentials();
                _requester.Server = e.AlternateServer;
            }
        }

        StunMessage.TryParse(response, out StunMessage m);
        if (!m.TryGetAddress(StunAttributeType.XorRelayedAddress, out StunEndPoint relayed))
        {
            throw new InvalidDataException("Allocate success response without XOR-RELAYED-ADDRESS.");
        }

        m.TryGetAddress(StunAttributeType.XorMappedAddress, out StunEndPoint mapped);
        TimeSpan granted = m.TryGetUInt32(StunAttributeType.Lifetime, out uint seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TurnConstants.ChannelLifetime; // the default allocation lifetime is 10 min too
        var allocation = new TurnAllocation(this, relayed, mapped, granted);
        Volatile.Write(ref _allocation, allocation);
        TurnMetrics.Allocations.Add(1);
        LogAllocated(relayed, mapped, granted.TotalSeconds);
        return allocation;
    }

    /// <summary>
    /// Handles one datagram received on the socket: STUN responses, Data indications and ChannelData from the server.
    /// Zero allocation for peer data.
    /// </summary>
    /// <returns><see langword="true"/> when it was TURN traffic from the server (even if dropped as unusable).</returns>
    public bool TryHandleDatagram(ReadOnlySpan<byte> datagram, EndPoint from)
    {
        if (from is null || !from.Equals(_requester.Server))
        {
            Counters.DropWrongSource();
            return false;
        }

        if (ChannelData.IsChannelData(datagram))
        {
            if (Allocation is TurnAllocation channelAllocation)
            {
                channelAllocation.OnChannelData(datagram);
            }
            else
            {
                Counters.DropNoHandler();
            }

            return true;
        }

        if (StunMessage.TryParse(datagram, out StunMessage message) != StunParseResult.Ok)
        {
            Counters.DropMalformed();
            return false;
        }

        if (message.Class is StunClass.SuccessResponse or StunClass.ErrorResponse)
        {
            return _stun.TryHandleResponse(datagram);
        }

        if (message.Class == StunClass.Indication && message.Method == TurnConstants.Data && Allocation is TurnAllocation allocation)
        {
            allocation.OnDataIndication(message);
            return true;
        }

        Counters.DropNoHandler();
        return true;
    }

    /// <summary>Sends a Refresh with <paramref name="lifetime"/> seconds (0 deletes the allocation) and returns the granted LIFETIME.</summary>
    internal async Task<TimeSpan> RefreshAsync(uint lifetime, CancellationToken cancellationToken)
    {
        byte[] response = await _requester.ExecuteAsync(new TurnRequest(TurnConstants.Refresh, lifetime), cancellationToken).ConfigureAwait(false);
        StunMessage.TryParse(response, out StunMessage m);
        return m.TryGetUInt32(StunAttributeType.Lifetime, out uint seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(lifetime);
    }

    /// <summary>Runs a request with this client's credentials.</summary>
    internal Task<byte[]> ExecuteAsync(TurnRequest request, CancellationToken cancellationToken) => _requester.ExecuteAsync(request, cancellationToken);

    /// <summary>Called by a disposed allocation.</summary>
    internal void Detach(TurnAllocation allocation) => Interlocked.CompareExchange(ref _allocation, null, allocation);

    /// <summary>Deletes the allocation (Refresh LIFETIME 0), stops the receive loop and fails pending requests.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Allocation is TurnAllocation allocation)
        {
            await allocation.DisposeAsync().ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        await _stun.DisposeAsync().ConfigureAwait(false);
        _requester.Dispose();
        _stop.Dispose();
    }

    private Task ReceiveLoopAsync(CancellationToken ct) =>
        DatagramReceiveLoop.RunAsync(_transport, MaxDatagram, (datagram, remote) => TryHandleDatagram(datagram, remote), LogReceiveError, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "TURN: allocated relayed {Relayed}, mapped {Mapped}, lifetime {Lifetime} s")]
    private partial void LogAllocated(StunEndPoint relayed, StunEndPoint mapped, double lifetime);

    [LoggerMessage(Level = LogLevel.Information, Message = "TURN: 300 Try Alternate from {Server}, following to {Alternate}")]
    private partial void LogRedirect(IPEndPoint server, IPEndPoint alternate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN: receive error {Error}, continuing")]
    private partial void LogReceiveError(SocketError error);
}
