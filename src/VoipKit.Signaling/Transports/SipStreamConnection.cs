using System.Net;
using System.Net.Sockets;

namespace VoipKit.Signaling.Transports;

/// <summary>One TCP or TLS connection of a <see cref="SipStreamTransport"/>: the stream, a write lock and liveness.</summary>
internal sealed class SipStreamConnection : IDisposable
{
    private static readonly byte[] s_ping = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_pong = "\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private TaskCompletionSource? _pong;
    private long _lastActivity;
    private long _partialSince;
    private int _disposed;

    public SipStreamConnection(Socket socket, Stream stream, IPEndPoint remote, bool outbound, TimeProvider time)
    {
        _socket = socket;
        Stream = stream;
        Remote = remote;
        Outbound = outbound;
        _time = time;
        Touch();
    }

    public Stream Stream { get; set; }

    public IPEndPoint Remote { get; }

    public bool Outbound { get; }

    public bool IsClosed => Volatile.Read(ref _disposed) != 0;

    public CancellationToken Closed => _closed.Token;

    public Task Completion { get; set; } = Task.CompletedTask;

    public void Touch() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    public TimeSpan IdleFor() => _time.GetElapsedTime(Volatile.Read(ref _lastActivity));

    /// <summary>Notes whether unconsumed bytes of a started message remain after a read.</summary>
    public void SetPartial(bool partial)
    {
        if (!partial)
        {
            Volatile.Write(ref _partialSince, 0);
        }
        else if (Volatile.Read(ref _partialSince) == 0)
        {
            // 0 means "none"; a timestamp of exactly 0 only delays detection by one check.
            Volatile.Write(ref _partialSince, _time.GetTimestamp());
        }
    }

    /// <summary>How long a message has been incomplete, or null when none is.</summary>
    public TimeSpan? PartialFor()
    {
        long since = Volatile.Read(ref _partialSince);
        return since == 0 ? null : _time.GetElapsedTime(since);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        await _writeLock.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            await Stream.WriteAsync(data, linked.Token).ConfigureAwait(false);
            await Stream.FlushAsync(linked.Token).ConfigureAwait(false);
            Touch();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // Part of a message may be on the wire: the stream's framing is lost, so the connection goes.
            Dispose();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public ValueTask SendPongAsync(CancellationToken cancellationToken) => WriteAsync(s_pong, cancellationToken);

    /// <summary>Sends a CRLFCRLF ping and completes when the CRLF pong comes back (RFC 5626 4.4.1).</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource? earlier = Interlocked.Exchange(ref _pong, pong);

        // A second ping while one is outstanding is answered by the same pong.
        earlier?.TrySetResult();
        await WriteAsync(s_ping, cancellationToken).ConfigureAwait(false);
        await pong.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void OnPong() => Interlocked.Exchange(ref _pong, null)?.TrySetResult();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _closed.Cancel();
        Interlocked.Exchange(ref _pong, null)?.TrySetException(new IOException("The connection closed before the keep-alive pong."));
        _socket.Dispose();
        Stream.Dispose();
    }
}
