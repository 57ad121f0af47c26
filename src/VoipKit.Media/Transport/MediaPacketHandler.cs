namespace VoipKit.Media.Transport;

/// <summary>Receives one datagram from a media transport.</summary>
/// <param name="packet">The datagram; valid only during the call (the buffer is reused), so copy what you keep.</param>
/// <param name="kind">RTP or RTCP.</param>
public delegate void MediaPacketHandler(ReadOnlySpan<byte> packet, MediaPacketKind kind);
