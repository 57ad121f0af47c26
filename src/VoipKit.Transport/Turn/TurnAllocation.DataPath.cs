using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

internal sealed partial class TurnAllocation
{
    /// <summary>What a Send indication adds around the data: header, XOR-PEER-ADDRESS (IPv6), DATA header, padding, FINGERPRINT.</summary>
    public const int MaxSendIndicationOverhead = StunConstants.HeaderLength + 4 + 20 + 4 + 3 + 8;

    private readonly uint _indicationIdPrefix = BinaryPrimitives.ReadUInt32BigEndian(RandomNumberGenerator.GetBytes(4));
    private long _indicationCounter = BinaryPrimitives.ReadInt64BigEndian(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;

    /// <summary>
    /// Frames <paramref name="data"/> for <paramref name="peer"/> into <paramref name="destination"/>: ChannelData when
    /// a channel is bound, a Send indication otherwise. The caller sends the result to <see cref="TurnClient.Server"/>
    /// (the zero-copy path for a socket owner). No allocation.
    /// </summary>
    /// <returns><see langword="false"/> when it does not fit.</returns>
    public bool TryFrame(in StunEndPoint peer, ReadOnlySpan<byte> data, Span<byte> destination, out int written, out bool viaChannel)
    {
        ushort channel = GetChannel(peer);
        viaChannel = channel != 0;
        if (viaChannel)
        {
            return ChannelData.TryWrite(destination, channel, data, out written);
        }

        // No response ever matches an indication's ID, so a random prefix and a counter will do; a CSPRNG call per
        // packet cost ~1.4 µs here (more than the rest of the framing).
        Span<byte> transactionId = stackalloc byte[StunConstants.TransactionIdLength];
        BinaryPrimitives.WriteUInt32BigEndian(transactionId, _indicationIdPrefix);
        BinaryPrimitives.WriteUInt64BigEndian(transactionId[4..], (ulong)Interlocked.Increment(ref _indicationCounter));
        var writer = new StunMessageWriter(destination, new StunMessageType(TurnConstants.Send, StunClass.Indication), transactionId);
        writer.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        writer.AddAttribute(StunAttributeType.Data, data);
        writer.AddFingerprint();
        return writer.TryComplete(out written);
    }

    /// <summary>
    /// Sends <paramref name="data"/> to <paramref name="peer"/> through the relay (ChannelData once a channel is bound,
    /// else a Send indication; the peer needs a permission either way). Pooled buffer, no allocation in steady state.
    /// </summary>
    /// <returns><see langword="false"/> when dropped (too large, allocation closed, socket error); counted in <see cref="TurnCounters.DroppedOutbound"/>.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> SendAsync(StunEndPoint peer, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (!IsActive || data.Length > ChannelData.MaxDataLength - MaxSendIndicationOverhead)
        {
            Counters.DropOutbound();
            return false;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(data.Length + MaxSendIndicationOverhead);
        try
        {
            if (!TryFrame(peer, data.Span, buffer, out int written, out bool viaChannel))
            {
                Counters.DropOutbound();
                return false;
            }

            await _client.Transport.SendAsync(buffer.AsMemory(0, written), _client.Server, cancellationToken).ConfigureAwait(false);
            if (viaChannel)
            {
                Counters.ChannelDataWasSent();
            }
            else
            {
                Counters.SendIndicationWasSent();
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Counters.DropOutbound();
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A ChannelData message from the server: delivered when its channel is ours.</summary>
    internal void OnChannelData(ReadOnlySpan<byte> datagram)
    {
        if (ChannelData.TryRead(datagram, out ushort channel, out ReadOnlySpan<byte> data) != ChannelDataParseResult.Ok)
        {
            Counters.DropMalformed();
            return;
        }

        Refreshed? bound = Volatile.Read(ref _channelsByNumber[channel - ChannelData.MinChannel]);
        if (bound is null)
        {
            Counters.DropUnknownChannel();
            return;
        }

        Deliver(bound.Peer, data, channelData: true);
    }

    /// <summary>A Data indication from the server: XOR-PEER-ADDRESS and DATA, from a peer we gave a permission.</summary>
    internal void OnDataIndication(in StunMessage message)
    {
        if (!message.TryGetAddress(StunAttributeType.XorPeerAddress, out StunEndPoint peer)
            || !message.TryGetAttribute(StunAttributeType.Data, out ReadOnlySpan<byte> data))
        {
            Counters.DropMalformed();
            return;
        }

        if (!_permissions.ContainsKey(AddressOf(peer)))
        {
            Counters.DropNoPermission();
            return;
        }

        Deliver(peer, data, channelData: false);
    }

    private void Deliver(in StunEndPoint peer, ReadOnlySpan<byte> data, bool channelData)
    {
        TurnDataHandler? handler = DataReceived;
        if (handler is null || !IsActive)
        {
            Counters.DropNoHandler();
            return;
        }

        if (channelData)
        {
            Counters.ChannelDataWasReceived();
        }
        else
        {
            Counters.DataIndicationWasReceived();
        }

        // Free when nothing throws, so the per-packet path stays without allocation.
        try
        {
            handler(peer, data);
        }
#pragma warning disable CA1031 // Application callback on the receive loop: a throw would end the loop, and with it every STUN response; logged, counted, the loop goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Counters.HandlerFailed();
            LogHandlerFailed(nameof(DataReceived), e);
        }
    }
}
