namespace VoipKit.Media.Rtcp;

/// <summary>
/// Receives the feedback packets an <see cref="RtcpReceiver"/> finds (retransmission, congestion
/// control). The packets are views into the datagram: use them during the call only.
/// </summary>
public abstract class RtcpFeedbackHandler
{
    /// <summary>A generic NACK about our stream arrived.</summary>
    /// <param name="nack">The NACK.</param>
    public virtual void OnGenericNack(in RtcpGenericNack nack)
    {
    }

    /// <summary>Transport-wide congestion control feedback arrived.</summary>
    /// <param name="feedback">The feedback.</param>
    public virtual void OnTransportWideFeedback(in RtcpTransportWideFeedback feedback)
    {
    }
}
