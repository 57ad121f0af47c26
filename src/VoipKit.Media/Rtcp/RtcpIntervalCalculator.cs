namespace VoipKit.Media.Rtcp;

/// <summary>
/// The RTCP transmission interval of RFC 3550 section 6.2 and appendix A.7: 5% of the session
/// bandwidth for RTCP (a quarter of it for senders when they are few), the average compound size
/// tracked per packet, a minimum of 5 s (halved before the first report) or the reduced minimum
/// 360 / session kbps, randomized to [0.5, 1.5) times and divided by e - 3/2 = 1.21828.
/// </summary>
public sealed class RtcpIntervalCalculator
{
    /// <summary>The fixed minimum interval.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(5);

    /// <summary>e - 3/2: compensates for timer reconsideration converging below the intended rate.</summary>
    public const double Compensation = 2.71828 - 1.5;

    private const double SenderBandwidthFraction = 0.25;
    private const double ReceiverBandwidthFraction = 1 - SenderBandwidthFraction;

    private readonly Random _random;
    private readonly double _rtcpBytesPerSecond;
    private readonly double _minimumSeconds;

    /// <summary>Creates a calculator.</summary>
    /// <param name="sessionBandwidthKbps">The session bandwidth (e.g. SDP b=AS) in kbit/s; RTCP gets 5% of it.</param>
    /// <param name="useReducedMinimum">Use the reduced minimum 360 / kbps s where it is below 5 s (RFC 3550 6.2).</param>
    /// <param name="random">Source of the randomization (inject a seeded one for tests); not security relevant.</param>
    /// <param name="initialAverageSize">Initial average compound RTCP size in bytes, IP and UDP headers included.</param>
    public RtcpIntervalCalculator(double sessionBandwidthKbps, bool useReducedMinimum, Random random, double initialAverageSize = 128)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sessionBandwidthKbps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialAverageSize);
        _random = random;
        _rtcpBytesPerSecond = 0.05 * sessionBandwidthKbps * 1000 / 8;
        _minimumSeconds = useReducedMinimum ? Math.Min(MinimumInterval.TotalSeconds, 360 / sessionBandwidthKbps) : MinimumInterval.TotalSeconds;
        AverageRtcpSize = initialAverageSize;
    }

    /// <summary>The average compound RTCP packet size in bytes (avg_rtcp_size).</summary>
    public double AverageRtcpSize { get; private set; }

    /// <summary>The minimum interval in force (fixed or reduced), before halving for the first report.</summary>
    public TimeSpan Minimum => TimeSpan.FromSeconds(_minimumSeconds);

    /// <summary>Updates the average size with an RTCP packet sent or received (A.7: 1/16 weight).</summary>
    /// <param name="sizeWithHeaders">The compound packet's size including IP and UDP headers.</param>
    public void OnRtcpPacket(int sizeWithHeaders) => AverageRtcpSize = (sizeWithHeaders / 16.0) + (15.0 / 16.0 * AverageRtcpSize);

    /// <summary>The deterministic interval before randomization (A.7's t after the minimum is applied).</summary>
    /// <param name="members">Members of the session (2 for a 1:1 call).</param>
    /// <param name="senders">Members that sent RTP recently.</param>
    /// <param name="weSent">Whether we sent RTP recently.</param>
    /// <param name="initial">Whether no RTCP packet has been sent yet (the minimum is halved).</param>
    public TimeSpan ComputeDeterministicInterval(int members, int senders, bool weSent, bool initial)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(senders);
        double minimum = initial ? _minimumSeconds / 2 : _minimumSeconds;
        double bandwidth = _rtcpBytesPerSecond;
        int n = members;
        if (senders <= members * SenderBandwidthFraction)
        {
            if (weSent)
            {
                bandwidth *= SenderBandwidthFraction;
                n = senders;
            }
            else
            {
                bandwidth *= ReceiverBandwidthFraction;
                n -= senders;
            }
        }

        double t = AverageRtcpSize * n / bandwidth;
        return TimeSpan.FromSeconds(Math.Max(t, minimum));
    }

    /// <summary>The randomized interval until the next RTCP packet (A.7 rtcp_interval).</summary>
    /// <param name="members">Members of the session (2 for a 1:1 call).</param>
    /// <param name="senders">Members that sent RTP recently.</param>
    /// <param name="weSent">Whether we sent RTP recently.</param>
    /// <param name="initial">Whether no RTCP packet has been sent yet.</param>
    public TimeSpan ComputeInterval(int members, int senders, bool weSent, bool initial)
    {
        double t = ComputeDeterministicInterval(members, senders, weSent, initial).TotalSeconds;
        t *= _random.NextDouble() + 0.5;
        return TimeSpan.FromSeconds(t / Compensation);
    }
}
