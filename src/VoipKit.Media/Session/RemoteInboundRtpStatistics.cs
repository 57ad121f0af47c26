using VoipKit.Audio;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Session;

/// <summary>
/// What the peer says it received of our stream, from the report blocks of its RTCP SR/RR, as
/// WebRTC's getStats reports it in a <c>remote-inbound-rtp</c> entry (W3C webrtc-stats,
/// RTCRemoteInboundRtpStreamStats). The values are those of the peer's last report, so they
/// lag its own inbound statistics by up to one RTCP interval.
/// </summary>
public sealed record RemoteInboundRtpStatistics
{
    /// <summary>Our SSRC, which the report is about (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }

    /// <summary>The fraction of our packets lost since the peer's previous report, 0–1 (<c>fractionLost</c>).</summary>
    public required double FractionLost { get; init; }

    /// <summary>The peer's cumulative count of our packets lost (<c>packetsLost</c>).</summary>
    public required long PacketsLost { get; init; }

    /// <summary>The interarrival jitter the peer measured on our stream (<c>jitter</c>).</summary>
    public required TimeSpan Jitter { get; init; }

    /// <summary>The latest round-trip time from an LSR/DLSR pair (<c>roundTripTime</c>), when one has been measured.</summary>
    public required TimeSpan? RoundTripTime { get; init; }

    /// <summary>The sum of all round-trip times measured (<c>totalRoundTripTime</c>).</summary>
    public required TimeSpan TotalRoundTripTime { get; init; }

    /// <summary>How many round-trip times were measured (<c>roundTripTimeMeasurements</c>).</summary>
    public required long RoundTripTimeMeasurements { get; init; }

    /// <summary>Report blocks about our stream received (<c>reportsReceived</c>).</summary>
    public required long ReportsReceived { get; init; }

    /// <summary>From the peer's latest report block about our stream, or null before the first one.</summary>
    internal static RemoteInboundRtpStatistics? From(uint ssrc, RtpSenderStatistics sender) => sender.LastRemoteReport is not { } block ? null : new()
    {
        Ssrc = ssrc,
        FractionLost = block.FractionLost / 256.0,
        PacketsLost = block.CumulativeLost,
        Jitter = TimeSpan.FromSeconds(block.Jitter / (double)AudioFormat.SampleRate),
        RoundTripTime = sender.RoundTripTime,
        TotalRoundTripTime = sender.TotalRoundTripTime,
        RoundTripTimeMeasurements = sender.RoundTripTimeMeasurements,
        ReportsReceived = sender.ReportsReceived,
    };
}
