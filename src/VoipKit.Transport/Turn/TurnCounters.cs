namespace VoipKit.Transport.Turn;

/// <summary>Packet counters of one TURN client, updated with interlocked increments on the data paths.</summary>
internal sealed class TurnCounters
{
    private long _channelDataSent;
    private long _sendIndicationsSent;
    private long _channelDataReceived;
    private long _dataIndicationsReceived;
    private long _droppedMalformed;
    private long _droppedWrongSource;
    private long _droppedUnknownChannel;
    private long _droppedNoPermission;
    private long _droppedNoHandler;
    private long _droppedOutbound;
    private long _refreshFailures;
    private long _handlerFailures;

    /// <summary>ChannelData messages sent.</summary>
    public long ChannelDataSent => Volatile.Read(ref _channelDataSent);

    /// <summary>Send indications sent (peers without a bound channel).</summary>
    public long SendIndicationsSent => Volatile.Read(ref _sendIndicationsSent);

    /// <summary>ChannelData messages received and delivered.</summary>
    public long ChannelDataReceived => Volatile.Read(ref _channelDataReceived);

    /// <summary>Data indications received and delivered.</summary>
    public long DataIndicationsReceived => Volatile.Read(ref _dataIndicationsReceived);

    /// <summary>Inbound datagrams from the server that were neither well-formed STUN nor ChannelData, or a Data indication without peer or data.</summary>
    public long DroppedMalformed => Volatile.Read(ref _droppedMalformed);

    /// <summary>Inbound datagrams from another address than the server's.</summary>
    public long DroppedWrongSource => Volatile.Read(ref _droppedWrongSource);

    /// <summary>ChannelData on a channel we did not bind.</summary>
    public long DroppedUnknownChannel => Volatile.Read(ref _droppedUnknownChannel);

    /// <summary>Data indications from a peer address without a permission of ours.</summary>
    public long DroppedNoPermission => Volatile.Read(ref _droppedNoPermission);

    /// <summary>Peer data that arrived with no allocation or no handler set.</summary>
    public long DroppedNoHandler => Volatile.Read(ref _droppedNoHandler);

    /// <summary>Outbound data not sent: too large, allocation closed, or a socket error.</summary>
    public long DroppedOutbound => Volatile.Read(ref _droppedOutbound);

    /// <summary>Refreshes (allocation, permission, channel) that failed.</summary>
    public long RefreshFailures => Volatile.Read(ref _refreshFailures);

    /// <summary>Exceptions thrown by application callbacks (<c>Failed</c>, <c>DataReceived</c>): logged and counted, never fatal to the client.</summary>
    public long HandlerFailures => Volatile.Read(ref _handlerFailures);

    internal void ChannelDataWasSent() => Interlocked.Increment(ref _channelDataSent);

    internal void SendIndicationWasSent() => Interlocked.Increment(ref _sendIndicationsSent);

    internal void ChannelDataWasReceived() => Interlocked.Increment(ref _channelDataReceived);

    internal void DataIndicationWasReceived() => Interlocked.Increment(ref _dataIndicationsReceived);

    internal void DropMalformed() => Drop(ref _droppedMalformed, "malformed");

    internal void DropWrongSource() => Drop(ref _droppedWrongSource, "wrong_source");

    internal void DropUnknownChannel() => Drop(ref _droppedUnknownChannel, "unknown_channel");

    internal void DropNoPermission() => Drop(ref _droppedNoPermission, "no_permission");

    internal void DropNoHandler() => Drop(ref _droppedNoHandler, "no_handler");

    internal void DropOutbound() => Drop(ref _droppedOutbound, "outbound");

    internal void RefreshFailed()
    {
        Interlocked.Increment(ref _refreshFailures);
        TurnMetrics.RefreshFailures.Add(1);
    }

    internal void HandlerFailed()
    {
        Interlocked.Increment(ref _handlerFailures);
        TurnMetrics.HandlerFailures.Add(1);
    }

    private static void Drop(ref long counter, string reason)
    {
        Interlocked.Increment(ref counter);
        TurnMetrics.Dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }
}
