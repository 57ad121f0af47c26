using System.Net;

namespace VoipKit.Transport.Ice;

/// <summary>
/// The per-datagram media path, kept apart from the agent's lock: the pair to send on, the pairs whose datagrams are
/// accepted, and the application's handler. Reads are volatile snapshots; nothing here allocates.
/// </summary>
internal sealed class IceDataPath
{
    private volatile IceCandidatePair? _sendPair;
    private volatile IceCandidatePair? _previousPair;
    private volatile IceCandidatePair[] _validPairs = [];
    private long _dropped;
    private long _handlerFailures;

    /// <summary>Where accepted datagrams go.</summary>
    public IceDataHandler? Handler { get; set; }

    /// <summary>The pair data is sent on; null when none is selected or consent was lost.</summary>
    public IceCandidatePair? SendPair
    {
        get => _sendPair;
        set => _sendPair = value;
    }

    /// <summary>The pair selected before an ICE restart: its datagrams are still accepted.</summary>
    public IceCandidatePair? PreviousPair
    {
        get => _previousPair;
        set => _previousPair = value;
    }

    /// <summary>Told (on the receive loop) when <see cref="Handler"/> threw; the datagram is then dropped and reading goes on.</summary>
    public Action<Exception>? HandlerFailed { get; set; }

    /// <summary>How many times <see cref="Handler"/> threw.</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    /// <summary>Datagrams dropped because they came from no valid pair.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Replaces the valid pairs whose remote side may send us data.</summary>
    public void SetValidPairs(IceCandidatePair[] pairs) => _validPairs = pairs;

    /// <summary>Sends on <see cref="SendPair"/>; false, without sending, when there is none.</summary>
    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        IceCandidatePair? pair = _sendPair;
        if (pair is null)
        {
            return new ValueTask<bool>(false);
        }

        ValueTask send = pair.Socket.Transport.SendAsync(datagram, pair.Remote.EndPoint, cancellationToken);
        return send.IsCompletedSuccessfully ? new ValueTask<bool>(true) : AwaitSend(send);

        static async ValueTask<bool> AwaitSend(ValueTask send)
        {
            await send.ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>Hands a non-STUN datagram to <see cref="Handler"/> when it comes from the selected, previous or another valid pair.</summary>
    public void Deliver(IceSocket socket, ReadOnlySpan<byte> datagram, EndPoint remote)
    {
        if (IsFromValidPair(socket, remote))
        {
            try
            {
                Handler?.Invoke(datagram);
            }
#pragma warning disable CA1031 // The handler is application code: its failure must not end the receive loop; it is counted and reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _handlerFailures);
                HandlerFailed?.Invoke(e);
            }
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private bool IsFromValidPair(IceSocket socket, EndPoint remote)
    {
        if (Matches(_sendPair, socket, remote) || Matches(_previousPair, socket, remote))
        {
            return true;
        }

        foreach (IceCandidatePair pair in _validPairs)
        {
            if (Matches(pair, socket, remote))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(IceCandidatePair? pair, IceSocket socket, EndPoint remote) =>
        pair is not null && pair.Socket == socket && pair.Remote.EndPoint.Equals(remote);
}
