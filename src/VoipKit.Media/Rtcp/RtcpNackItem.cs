namespace VoipKit.Media.Rtcp;

/// <summary>One generic NACK item (RFC 4585 6.2.1): a lost packet and a bitmask of the 16 following ones.</summary>
/// <param name="PacketId">The sequence number of a lost packet (PID).</param>
/// <param name="LostBitmask">BLP: bit i set means PID + i + 1 is lost too.</param>
public readonly record struct RtcpNackItem(ushort PacketId, ushort LostBitmask)
{
    /// <summary>Whether this item reports a sequence number as lost.</summary>
    /// <param name="sequenceNumber">The sequence number.</param>
    public bool IsLost(ushort sequenceNumber)
    {
        int distance = (ushort)(sequenceNumber - PacketId);
        return distance == 0 || (distance <= 16 && (LostBitmask & (1 << (distance - 1))) != 0);
    }
}
