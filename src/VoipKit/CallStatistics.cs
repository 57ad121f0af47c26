using VoipKit.Media.Session;

namespace VoipKit;

/// <summary>
/// A snapshot of one call's quality, merged from media (RTP/RTCP, jitter buffer, codec), ICE (the path) and signaling:
/// what an app shows in a call-quality view or logs at the end of a call.
/// </summary>
public sealed record CallStatistics
{
    /// <summary>How long the call has had media (since it became active), zero before.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The call's security.</summary>
    public CallSecurity Security { get; init; }

    /// <summary>The media path now, or null before one was chosen.</summary>
    public CallPath? Path { get; init; }

    /// <summary>An E-model (ITU-T G.107) estimate of the received audio's quality, 1 (bad) to 4.5 (excellent).</summary>
    public double MosEstimate { get; init; }

    /// <summary>RTP packets sent.</summary>
    public long PacketsSent { get; init; }

    /// <summary>RTP packets received.</summary>
    public long PacketsReceived { get; init; }

    /// <summary>RTP packets the network lost on the way here.</summary>
    public long PacketsLost { get; init; }

    /// <summary>Packets refused: failed SRTP authentication, unknown payload types, replays.</summary>
    public long PacketsRejected { get; init; }

    /// <summary>The share of our packets the peer reported lost in its last report (0 to 1).</summary>
    public double RemoteFractionLost { get; init; }

    /// <summary>Interarrival jitter of what we receive (RFC 3550).</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>The jitter buffer's mean delay so far.</summary>
    public TimeSpan JitterBufferDelay { get; init; }

    /// <summary>The share of played audio that loss concealment made up (0 to 1).</summary>
    public double ConcealmentRatio { get; init; }

    /// <summary>The round-trip time from RTCP, or null before the first report came back.</summary>
    public TimeSpan? RoundTripTime { get; init; }

    /// <summary>The bitrate the encoder sends at now (bit/s).</summary>
    public int SendBitrate { get; init; }

    /// <summary>Whether Opus in-band FEC is being sent.</summary>
    public bool InbandFec { get; init; }

    /// <summary>Opus payload bytes sent.</summary>
    public long BytesSent { get; init; }

    /// <summary>Opus payload bytes received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Media packets that could not be sent (no path selected yet, consent lost, socket errors).</summary>
    public long SendFailures { get; init; }

    /// <summary>Bytes carried through a TURN relay on the current path, both directions (0 on a direct path).</summary>
    public long BytesRelayed { get; init; }

    /// <summary>The media layer's full statistics (W3C-named inbound, outbound and remote-inbound RTP figures).</summary>
    public MediaSessionStatistics? Media { get; init; }

    internal static CallStatistics From(MediaSessionStatistics? media, CallPath? path, CallSecurity security, TimeSpan duration, long sendFailures, long bytesRelayed)
    {
        InboundRtpStatistics? inbound = media?.InboundRtp;
        return new CallStatistics
        {
            Duration = duration,
            Security = security,
            Path = path,
            MosEstimate = media?.MosEstimate ?? 0,
            PacketsSent = media?.PacketsSent ?? 0,
            PacketsReceived = inbound?.PacketsReceived ?? 0,
            PacketsLost = inbound?.PacketsLost ?? 0,
            PacketsRejected = media?.PacketsRejected ?? 0,
            RemoteFractionLost = media?.RemoteFractionLost ?? 0,
            Jitter = inbound?.Jitter ?? TimeSpan.Zero,
            JitterBufferDelay = inbound?.MeanJitterBufferDelay ?? TimeSpan.Zero,
            ConcealmentRatio = inbound is { TotalSamplesReceived: > 0 } c ? (double)c.ConcealedSamples / c.TotalSamplesReceived : 0,
            RoundTripTime = media?.RoundTripTime,
            SendBitrate = media?.Target.Bitrate ?? 0,
            InbandFec = media?.Target.UseInbandFec ?? false,
            BytesSent = media?.PayloadBytesSent ?? 0,
            BytesReceived = inbound?.BytesReceived ?? 0,
            SendFailures = sendFailures,
            BytesRelayed = bytesRelayed,
            Media = media,
        };
    }
}
