namespace VoipKit.Media.Session;

/// <summary>A DTMF digit the remote side sent as RFC 4733 telephone-events; see <see cref="MediaSession.DtmfReceived"/>.</summary>
public sealed class DtmfReceivedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="digit">The digit: 0–9, *, # or A–D.</param>
    /// <param name="duration">How long the tone lasted, as far as the packets that arrived tell.</param>
    /// <param name="rtpTimestamp">The event's RTP timestamp (its start).</param>
    public DtmfReceivedEventArgs(char digit, TimeSpan duration, uint rtpTimestamp)
    {
        Digit = digit;
        Duration = duration;
        RtpTimestamp = rtpTimestamp;
    }

    /// <summary>The digit: 0–9, *, # or A–D (upper case).</summary>
    public char Digit { get; }

    /// <summary>
    /// How long the tone lasted: the duration in its end packet, or in the last update that
    /// arrived when every end packet was lost.
    /// </summary>
    public TimeSpan Duration { get; }

    /// <summary>The event's RTP timestamp (its start); each event is reported once per timestamp.</summary>
    public uint RtpTimestamp { get; }
}
