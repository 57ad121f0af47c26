using System.Net;

namespace VoipKit.Transport.Stun;

/// <summary>One received datagram: its length in the caller's buffer and its sender.</summary>
internal readonly record struct DatagramReceiveResult(int Length, EndPoint Remote);
