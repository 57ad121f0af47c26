using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VoipKit.Transport.Stun;

/// <summary>
/// STUN client transactions over an unreliable transport (RFC 8489 section 6.2.1): sends a request,
/// retransmits it after RTO, 2×RTO, 4×RTO... for <see cref="StunClientOptions.MaxSends"/> sends, waits
/// Rm×RTO after the last, and matches responses by transaction ID. Late, duplicate and unmatched
/// responses are dropped. Also the Binding client: <see cref="GetMappedAddressAsync"/>.
/// </summary>
internal sealed partial class StunClient : IAsyncDisposable
{
    private const int MaxDatagram = 1500;
    private readonly IDatagramTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StunClientOptions _options;
    private readonly ConcurrentDictionary<TransactionKey, TaskCompletionSource<byte[]>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private int _disposed;

    /// <summary>Creates a client over <paramref name="transport"/> (not owned: the caller disposes it).</summary>
    public StunClient(IDatagramTransport transport, TimeProvider? timeProvider = null, StunClientOptions? options = null, ILogger<StunClient>? logger = null)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new StunClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxSends, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.InitialRto, TimeSpan.Zero, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _receiveLoop = _options.RunReceiveLoop ? ReceiveLoopAsync(_stop.Token) : Task.CompletedTask;
    }

    /// <summary>How many transactions are waiting for a response.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// Runs one transaction: sends <paramref name="request"/> (a complete STUN request) to <paramref name="server"/>
    /// with retransmissions until a success or error response with its transaction ID arrives.
    /// </summary>
    /// <returns>The response's bytes (already validated by <see cref="StunMessage.TryParse"/>).</returns>
    /// <exception cref="TimeoutException">No response within <see cref="StunClientOptions.TransactionTimeout"/>.</exception>
    public async Task<byte[]> SendRequestAsync(ReadOnlyMemory<byte> request, EndPoint server, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(server);
        if (StunMessage.TryParse(request.Span, out StunMessage parsed) != StunParseResult.Ok || parsed.Class != StunClass.Request)
        {
            throw new ArgumentException("Not a well-formed STUN request.", nameof(request));
        }

        var key = TransactionKey.From(parsed.TransactionId);
        var response = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, response))
        {
            throw new InvalidOperationException("A transaction with this ID is already running.");
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            TimeSpan rto = _options.InitialRto;
            for (int send = 1; send <= _options.MaxSends; send++)
            {
                TimeSpan wait = send == _options.MaxSends ? _options.InitialRto * _options.LastWaitMultiplier : rto;

                // The timer starts before the send, so the schedule does not drift by the send's duration.
                using var waitCancel = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                Task timer = Task.Delay(wait, _time, waitCancel.Token);
                if (send > 1)
                {
                    LogRetransmit(send, server, key);
                }

                await _transport.SendAsync(request, server, linked.Token).ConfigureAwait(false);
                Task first = await Task.WhenAny(response.Task, timer).ConfigureAwait(false);
                if (first == response.Task)
                {
                    await waitCancel.CancelAsync().ConfigureAwait(false);
                    return await response.Task.ConfigureAwait(false);
                }

                await timer.ConfigureAwait(false); // throws when cancelled
                rto *= 2;
            }

            LogTimeout(server, key, _options.MaxSends);
            throw new TimeoutException($"No STUN response from {server} after {_options.MaxSends} sends ({_options.TransactionTimeout.TotalSeconds} s).");
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(StunClient));
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>Sends a Binding request and returns the reflexive address the server saw (XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS).</summary>
    /// <exception cref="StunErrorResponseException">The server answered with an error response.</exception>
    /// <exception cref="TimeoutException">No response.</exception>
    /// <exception cref="InvalidDataException">A success response without a usable address.</exception>
    public async Task<IPEndPoint> GetMappedAddressAsync(EndPoint server, CancellationToken cancellationToken = default)
    {
        Span<byte> transactionId = stackalloc byte[StunConstants.TransactionIdLength];
        RandomNumberGenerator.Fill(transactionId);
        byte[] request = new byte[StunConstants.HeaderLength + 8];
        var writer = new StunMessageWriter(request, StunMessageType.BindingRequest, transactionId);
        writer.AddFingerprint();
        writer.TryComplete(out _);
        byte[] response = await SendRequestAsync(request, server, cancellationToken).ConfigureAwait(false);
        return ReadMappedAddress(response);
    }

    /// <summary>
    /// Hands a datagram received elsewhere (a socket shared with media) to the client.
    /// </summary>
    /// <returns><see langword="true"/> when it answered a pending transaction.</returns>
    public bool TryHandleResponse(ReadOnlySpan<byte> datagram)
    {
        if (!StunMessage.IsStun(datagram) || StunMessage.TryParse(datagram, out StunMessage message) != StunParseResult.Ok)
        {
            return false;
        }

        if (message.Class is not (StunClass.SuccessResponse or StunClass.ErrorResponse))
        {
            return false;
        }

        var key = TransactionKey.From(message.TransactionId);
        if (!_pending.TryRemove(key, out TaskCompletionSource<byte[]>? pending))
        {
            LogUnmatched(key);
            return false;
        }

        return pending.TrySetResult(datagram.ToArray());
    }

    /// <summary>Reads the mapped address of a Binding response, or throws for an error response.</summary>
    internal static IPEndPoint ReadMappedAddress(ReadOnlySpan<byte> response)
    {
        if (StunMessage.TryParse(response, out StunMessage message) != StunParseResult.Ok)
        {
            throw new InvalidDataException("Malformed STUN response.");
        }

        if (message.Class == StunClass.ErrorResponse)
        {
            throw ErrorFrom(message);
        }

        if (message.TryGetAddress(StunAttributeType.XorMappedAddress, out StunEndPoint mapped)
            || message.TryGetAddress(StunAttributeType.MappedAddress, out mapped))
        {
            return mapped.ToIPEndPoint();
        }

        throw new InvalidDataException("STUN Binding response without a mapped address.");
    }

    /// <summary>The exception for an error response: its code and reason.</summary>
    internal static StunErrorResponseException ErrorFrom(in StunMessage message) =>
        message.TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason)
            ? new StunErrorResponseException(code, Encoding.UTF8.GetString(reason))
            : new StunErrorResponseException(0, "(no ERROR-CODE)");

    /// <summary>Stops the receive loop and fails the pending transactions.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private Task ReceiveLoopAsync(CancellationToken ct) =>
        DatagramReceiveLoop.RunAsync(_transport, MaxDatagram, (datagram, _) => TryHandleResponse(datagram), LogReceiveError, ct);

    [LoggerMessage(Level = LogLevel.Debug, Message = "STUN: retransmission {Send} to {Server} (transaction {Transaction})")]
    private partial void LogRetransmit(int send, EndPoint server, TransactionKey transaction);

    [LoggerMessage(Level = LogLevel.Information, Message = "STUN: no response from {Server} to transaction {Transaction} after {Sends} sends")]
    private partial void LogTimeout(EndPoint server, TransactionKey transaction, int sends);

    [LoggerMessage(Level = LogLevel.Debug, Message = "STUN: response for no pending transaction {Transaction} dropped (late, duplicate or unknown)")]
    private partial void LogUnmatched(TransactionKey transaction);

    [LoggerMessage(Level = LogLevel.Debug, Message = "STUN: receive error {Error}, continuing")]
    private partial void LogReceiveError(SocketError error);

    /// <summary>A 96-bit transaction ID as a dictionary key.</summary>
    internal readonly record struct TransactionKey(ulong High, uint Low)
    {
        public static TransactionKey From(ReadOnlySpan<byte> id) =>
            new(BinaryPrimitives.ReadUInt64BigEndian(id), BinaryPrimitives.ReadUInt32BigEndian(id[8..]));

        public override string ToString() => $"{High:x16}{Low:x8}";
    }
}
