using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transports;

/// <summary>One message received by a transport.</summary>
/// <param name="Message">The parsed message; for requests the top Via already carries received/rport (RFC 3581).</param>
/// <param name="RemoteEndPoint">Where it came from (the source address of the datagram or the connection's peer).</param>
/// <param name="Transport">The transport it arrived on; send responses back through it.</param>
public sealed record SipReceivedMessage(SipMessage Message, IPEndPoint RemoteEndPoint, ISipTransport Transport);
