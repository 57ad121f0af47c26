namespace VoipKit.Transport.Ice;

/// <summary>
/// Receives a non-STUN datagram (RTP, RTCP, DTLS...) from the remote side of a valid pair. The span is the agent's receive
/// buffer and is only valid during the call: copy what must outlive it.
/// </summary>
internal delegate void IceDataHandler(ReadOnlySpan<byte> datagram);
