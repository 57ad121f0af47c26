namespace VoipKit.Media.Session;

/// <summary>
/// What this side sent, as WebRTC's getStats reports it in an <c>outbound-rtp</c> entry
/// (W3C webrtc-stats, RTCOutboundRtpStreamStats).
/// </summary>
public sealed record OutboundRtpStatistics
{
    /// <summary>Our SSRC (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }

    /// <summary>RTP packets sent (<c>packetsSent</c>).</summary>
    public required long PacketsSent { get; init; }

    /// <summary>RTP payload bytes sent, headers and SRTP tags excluded (<c>bytesSent</c>).</summary>
    public required long BytesSent { get; init; }

    /// <summary>RTP header bytes sent, header extensions and padding included (<c>headerBytesSent</c>).</summary>
    public required long HeaderBytesSent { get; init; }

    /// <summary>Packets retransmitted (<c>retransmittedPacketsSent</c>): always 0, audio is not retransmitted; loss is covered by FEC and concealment.</summary>
    public long RetransmittedPacketsSent { get; init; }

    /// <summary>Payload bytes retransmitted (<c>retransmittedBytesSent</c>): always 0.</summary>
    public long RetransmittedBytesSent { get; init; }

    /// <summary>The encoder's target bitrate in bit/s (<c>targetBitrate</c>).</summary>
    public required int TargetBitrate { get; init; }

    /// <summary>The frame duration the encoder uses now, in milliseconds (the packet time).</summary>
    public required int FrameMilliseconds { get; init; }

    /// <summary>Whether the encoder adds in-band FEC now.</summary>
    public required bool InbandFec { get; init; }
}
