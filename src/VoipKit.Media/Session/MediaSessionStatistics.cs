using VoipKit.Media.Adaptation;
using VoipKit.Media.Jitter;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Session;

/// <summary>
/// A snapshot of a <see cref="MediaSession"/>. <see cref="InboundRtp"/>, <see cref="OutboundRtp"/>
/// and <see cref="RemoteInboundRtp"/> are WebRTC getStats' three audio entries (inbound-rtp,
/// outbound-rtp, remote-inbound-rtp) with the W3C names; the other members are the same data by
/// layer (RFC 3550 reception, jitter buffer, controller) plus what getStats has no entry for.
/// </summary>
public sealed record MediaSessionStatistics
{
    /// <summary>The getStats inbound-rtp entry: what we received and played; null until the peer's stream is known.</summary>
    public InboundRtpStatistics? InboundRtp { get; init; }

    /// <summary>The getStats outbound-rtp entry: what we sent.</summary>
    public required OutboundRtpStatistics OutboundRtp { get; init; }

    /// <summary>The getStats remote-inbound-rtp entry: what the peer's RTCP reports say it received of our stream; null until a report arrives.</summary>
    public RemoteInboundRtpStatistics? RemoteInboundRtp { get; init; }

    /// <summary>RFC 3550 reception statistics of the remote stream (packets, loss, jitter).</summary>
    public required RtpReceiveStatistics? Inbound { get; init; }

    /// <summary>Jitter buffer and playout statistics (delay, concealment, FEC, time-stretching).</summary>
    public required JitterBufferStatistics Playout { get; init; }

    /// <summary>RTP packets sent.</summary>
    public required long PacketsSent { get; init; }

    /// <summary>RTP payload bytes sent.</summary>
    public required long PayloadBytesSent { get; init; }

    /// <summary>What the bitrate controller asks of the encoder now.</summary>
    public required BitrateDecision Target { get; init; }

    /// <summary>The remote side's fraction lost of our stream in its last report, 0–1 (remote-inbound-rtp).</summary>
    public required double RemoteFractionLost { get; init; }

    /// <summary>Round-trip time from RTCP (remote-inbound-rtp roundTripTime), when known.</summary>
    public required TimeSpan? RoundTripTime { get; init; }

    /// <summary>Packets SRTP rejected (authentication failures, replays) and RTP/RTCP packets dropped as malformed.</summary>
    public required long PacketsRejected { get; init; }

    /// <summary>Frames the audio source could not deliver in time, and frames the sink could not take.</summary>
    public required long AudioUnderruns { get; init; }

    /// <summary>E-model MOS estimate of what this side hears (ITU-T G.107).</summary>
    public required double MosEstimate { get; init; }

    /// <summary>DTMF digits sent (RFC 4733 events whose end packets went out, or were due while not sending).</summary>
    public long DtmfEventsSent { get; init; }

    /// <summary>DTMF digits received and reported through <see cref="MediaSession.DtmfReceived"/>.</summary>
    public long DtmfEventsReceived { get; init; }

    /// <summary>Times a <see cref="MediaSession.DtmfReceived"/> handler threw (each is logged at Error).</summary>
    public long DtmfHandlerFailures { get; init; }
}
