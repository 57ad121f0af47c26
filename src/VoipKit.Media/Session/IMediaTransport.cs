namespace VoipKit.Media.Session;

/// <summary>
/// Where a <see cref="MediaSession"/> sends its SRTP and SRTCP packets: a UDP socket, an ICE
/// path, a TURN allocation, or a simulated network in a test. Received packets go the other
/// way, into <see cref="MediaSession.OnPacketReceived"/>.
/// </summary>
public interface IMediaTransport
{
    /// <summary>Sends one packet; the transport copies what it keeps before returning.</summary>
    /// <param name="packet">The protected packet.</param>
    void Send(ReadOnlySpan<byte> packet);
}
