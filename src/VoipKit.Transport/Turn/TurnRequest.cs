using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

/// <summary>One TURN request to write (again after a 401 or 438 with new credentials): method and its attributes.</summary>
/// <param name="Method">Allocate, Refresh, CreatePermission or ChannelBind.</param>
/// <param name="Lifetime">LIFETIME in seconds (Allocate, Refresh), or null.</param>
/// <param name="Peer">XOR-PEER-ADDRESS (CreatePermission, ChannelBind), or null.</param>
/// <param name="Channel">CHANNEL-NUMBER (ChannelBind), or 0.</param>
internal readonly record struct TurnRequest(ushort Method, uint? Lifetime = null, StunEndPoint? Peer = null, ushort Channel = 0)
{
    /// <summary>Writes the method's own attributes.</summary>
    public void WriteAttributes(ref StunMessageWriter writer)
    {
        if (Method == TurnConstants.Allocate)
        {
            writer.AddFirstByte(StunAttributeType.RequestedTransport, TurnConstants.TransportUdp);
        }

        if (Channel != 0)
        {
            writer.AddChannelNumber(Channel);
        }

        if (Peer is StunEndPoint peer)
        {
            writer.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        }

        if (Lifetime is uint lifetime)
        {
            writer.AddUInt32(StunAttributeType.Lifetime, lifetime);
        }
    }
}
