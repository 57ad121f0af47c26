using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

/// <summary>
/// Receives one datagram a peer sent to the relayed address. Called on the receive loop (or the caller of
/// <see cref="TurnClient.TryHandleDatagram"/>); <paramref name="data"/> is only valid during the call. Should not throw: an exception is logged, counted in <see cref="TurnCounters.HandlerFailures"/> and otherwise ignored.
/// </summary>
/// <param name="peer">The peer's address (XOR-PEER-ADDRESS, or the channel's peer).</param>
/// <param name="data">The application data.</param>
internal delegate void TurnDataHandler(in StunEndPoint peer, ReadOnlySpan<byte> data);
