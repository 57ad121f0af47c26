using System.Buffers.Binary;

namespace VoipKit.Crypto;

/// <summary>The SRTP packet-format arithmetic: RTP header checks and the IVs and nonces of RFC 3711 and RFC 7714.</summary>
internal static class SrtpPacketFormat
{
    private const int RtpHeaderLength = 12;

    /// <summary>Validates the fixed header, CSRC list and extension of an RTP packet.</summary>
    internal static SrtpResult ParseRtpHeader(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length >= 1 && packet[0] >> 6 != 2)
        {
            return SrtpResult.BadVersion;
        }

        if (packet.Length < RtpHeaderLength)
        {
            return SrtpResult.PacketTooShort;
        }

        int length = RtpHeaderLength + (4 * (packet[0] & 0x0F));
        if (length > packet.Length)
        {
            return SrtpResult.MalformedHeader;
        }

        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length - length < 4)
            {
                return SrtpResult.MalformedHeader;
            }

            int words = BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
            length += 4 + (4 * words);
            if (length > packet.Length)
            {
                return SrtpResult.MalformedHeader;
            }
        }

        headerLength = length;
        return SrtpResult.Ok;
    }

    // With the P bit, the last payload byte counts the padding, itself included (RFC 3550 5.1).
    internal static bool PaddingIsValid(ReadOnlySpan<byte> buffer, int headerLength, int end)
    {
        if ((buffer[0] & 0x20) == 0)
        {
            return true;
        }

        int payload = end - headerLength;
        return payload > 0 && buffer[end - 1] != 0 && buffer[end - 1] <= payload;
    }

    // AES-CM IV (RFC 3711 4.1.1): (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16).
    internal static void CounterIv(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> iv)
    {
        salt[..16].CopyTo(iv);
        BinaryPrimitives.WriteUInt32BigEndian(iv[4..], BinaryPrimitives.ReadUInt32BigEndian(iv[4..]) ^ ssrc);
        ulong indexBits = index << 16;
        BinaryPrimitives.WriteUInt64BigEndian(iv[8..], BinaryPrimitives.ReadUInt64BigEndian(iv[8..]) ^ indexBits);
    }

    // AEAD SRTP nonce (RFC 7714 8.1): 00 00 || SSRC || ROC || SEQ, XOR salt.
    internal static void RtpNonce(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> nonce)
    {
        nonce[0] = salt[0];
        nonce[1] = salt[1];
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], BinaryPrimitives.ReadUInt32BigEndian(salt[2..]) ^ ssrc);
        BinaryPrimitives.WriteUInt16BigEndian(nonce[6..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(salt[6..]) ^ (ushort)(index >> 32)));
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], BinaryPrimitives.ReadUInt32BigEndian(salt[8..]) ^ (uint)index);
    }

    // AEAD SRTCP nonce (RFC 7714 9.1): 00 00 || SSRC || 00 00 || 0 || SRTCP index, XOR salt.
    internal static void RtcpNonce(ReadOnlySpan<byte> salt, uint ssrc, uint index, Span<byte> nonce)
    {
        salt[..12].CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], BinaryPrimitives.ReadUInt32BigEndian(salt[2..]) ^ ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], BinaryPrimitives.ReadUInt32BigEndian(salt[8..]) ^ index);
    }
}
