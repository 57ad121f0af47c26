namespace VoipKit.Transport.Turn;

/// <summary>
/// What one <see cref="TurnRelayTransport"/> relayed and dropped, updated with interlocked increments on the data paths,
/// for call statistics. Byte counts are application datagrams (RTP, ICE checks), without the TURN framing (4 bytes of
/// ChannelData header, 36 or more for a Send or Data indication, 44 or more with FINGERPRINT) or the UDP/IP headers; the framing counts are in the
/// allocation's <see cref="TurnCounters"/>.
/// </summary>
internal sealed class TurnRelayCounters
{
    private long _packetsSent;
    private long _bytesSent;
    private long _packetsReceived;
    private long _bytesReceived;
    private long _droppedNoPermission;
    private long _droppedOutbound;
    private long _droppedQueueFull;
    private long _droppedTooLarge;
    private long _truncated;
    private long _permissionRequests;
    private long _permissionFailures;
    private long _channelsBound;
    private long _channelBindFailures;

    /// <summary>Datagrams sent toward peers through the relay (handed to the TURN server).</summary>
    public long PacketsSent => Volatile.Read(ref _packetsSent);

    /// <summary>Bytes of the datagrams in <see cref="PacketsSent"/>.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Datagrams peers sent to the relayed address that reached this transport (some may then be dropped: <see cref="DroppedQueueFull"/>, <see cref="DroppedTooLarge"/>).</summary>
    public long PacketsReceived => Volatile.Read(ref _packetsReceived);

    /// <summary>Bytes of the datagrams in <see cref="PacketsReceived"/>.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Datagrams not sent because no permission for the peer's IP could be had (refused, no answer, disposed).</summary>
    public long DroppedNoPermission => Volatile.Read(ref _droppedNoPermission);

    /// <summary>Datagrams not sent for another reason: too large, another address family than the relayed address, allocation lost, socket error.</summary>
    public long DroppedOutbound => Volatile.Read(ref _droppedOutbound);

    /// <summary>Received datagrams dropped because the receive queue was full (the oldest queued one goes).</summary>
    public long DroppedQueueFull => Volatile.Read(ref _droppedQueueFull);

    /// <summary>Received datagrams longer than <see cref="TurnRelayTransportOptions.MaxDatagramLength"/>, dropped.</summary>
    public long DroppedTooLarge => Volatile.Read(ref _droppedTooLarge);

    /// <summary>Datagrams cut to fit a reader's buffer that was shorter than them.</summary>
    public long Truncated => Volatile.Read(ref _truncated);

    /// <summary>CreatePermission requests this transport started: one per peer IP, again only after one failed.</summary>
    public long PermissionRequests => Volatile.Read(ref _permissionRequests);

    /// <summary>CreatePermission requests that failed (error response, no answer in time, disposed).</summary>
    public long PermissionFailures => Volatile.Read(ref _permissionFailures);

    /// <summary>Channels bound to peers.</summary>
    public long ChannelsBound => Volatile.Read(ref _channelsBound);

    /// <summary>ChannelBind requests that failed; the peer's data then stays in Send indications.</summary>
    public long ChannelBindFailures => Volatile.Read(ref _channelBindFailures);

    internal void Sent(int bytes)
    {
        Interlocked.Increment(ref _packetsSent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void Received(int bytes)
    {
        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    internal void DropNoPermission() => Interlocked.Increment(ref _droppedNoPermission);

    internal void DropOutbound() => Interlocked.Increment(ref _droppedOutbound);

    internal void DropQueueFull() => Interlocked.Increment(ref _droppedQueueFull);

    internal void DropTooLarge() => Interlocked.Increment(ref _droppedTooLarge);

    internal void Truncate() => Interlocked.Increment(ref _truncated);

    internal void PermissionRequested() => Interlocked.Increment(ref _permissionRequests);

    internal void PermissionFailed() => Interlocked.Increment(ref _permissionFailures);

    internal void ChannelBound() => Interlocked.Increment(ref _channelsBound);

    internal void ChannelBindFailed() => Interlocked.Increment(ref _channelBindFailures);
}
