using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VoipKit.Media.Rtp;

/// <summary>Chooses SSRCs: random (RFC 3550 8.1), so that two endpoints are unlikely to collide.</summary>
public static class RtpSsrc
{
    /// <summary>A random SSRC.</summary>
    public static uint NewRandom()
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>A random SSRC different from the ones given (after a collision: the old one and the remote's).</summary>
    /// <param name="avoid">SSRCs not to return.</param>
    public static uint NewRandomExcept(ReadOnlySpan<uint> avoid)
    {
        while (true)
        {
            uint ssrc = NewRandom();
            if (!avoid.Contains(ssrc))
            {
                return ssrc;
            }
        }
    }
}
