using System.Net;

namespace VoipKit;

/// <summary>The media path a call uses now.</summary>
/// <param name="Type">How media travels: the type of the local candidate of the selected pair.</param>
/// <param name="RemoteType">The type of the remote candidate.</param>
/// <param name="LocalEndPoint">The local address media leaves from (for a relayed path, the relayed address on the TURN server).</param>
/// <param name="RemoteEndPoint">The address media goes to.</param>
public sealed record CallPath(CallPathType Type, CallPathType RemoteType, IPEndPoint LocalEndPoint, IPEndPoint RemoteEndPoint)
{
    /// <summary>For example <c>ServerReflexive 203.0.113.1:40000 -> Host 198.51.100.7:5000</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{Type} {LocalEndPoint} -> {RemoteType} {RemoteEndPoint}";
}
