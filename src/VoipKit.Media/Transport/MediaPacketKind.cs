namespace VoipKit.Media.Transport;

/// <summary>What a datagram on a media port is, told apart on one port as RFC 5761 (rtcp-mux) and RFC 7983 describe.</summary>
public enum MediaPacketKind
{
    /// <summary>An RTP (or SRTP) packet.</summary>
    Rtp,

    /// <summary>An RTCP (or SRTCP) packet: packet type 192–223 in the second byte.</summary>
    Rtcp,
}
