using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Stun;

/// <summary>Calls every accessor and typed reader on a parsed message, as the fuzz target does.</summary>
internal static class StunFuzzProbe
{
    public static void TouchEverything(in StunMessage m)
    {
        _ = m.Type;
        Span<ushort> types = stackalloc ushort[8];
        _ = m.GetUnknownComprehensionRequired(types);
        foreach (StunAttribute a in m.GetAttributes())
        {
            _ = StunAttributeReader.TryReadAddress(a.Value, out _);
            _ = StunAttributeReader.TryReadXorAddress(a.Value, m.TransactionId, out _);
            _ = StunAttributeReader.TryReadErrorCode(a.Value, out _, out _);
            _ = StunAttributeReader.ReadUnknownAttributes(a.Value, types);
            _ = StunAttributeReader.ReadPasswordAlgorithms(a.Value, types);
            _ = StunAttributeReader.TryReadChannelNumber(a.Value, out _);
            _ = StunAttributeReader.TryReadEvenPort(a.Value, out _);
        }

        _ = m.TryGetErrorCode(out _, out _);
        _ = m.TryGetAddress(StunAttributeType.XorMappedAddress, out _);
        _ = m.TryGetUInt64(StunAttributeType.IceControlling, out _);
        _ = StunIntegrity.VerifyMessageIntegrity(m, "k"u8);
        _ = StunIntegrity.VerifyMessageIntegritySha256(m, "k"u8);
        _ = StunIntegrity.VerifyFingerprint(m);
    }
}
