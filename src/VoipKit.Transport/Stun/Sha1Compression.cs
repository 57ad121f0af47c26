using System.Buffers.Binary;
using System.Numerics;

namespace VoipKit.Transport.Stun;

/// <summary>
/// The SHA-1 compression function (FIPS 180-4 section 6.1), for <see cref="StunHmacSha1Key"/>: HMAC with the
/// key's inner and outer states computed once, which the BCL cannot do. No table lookups and no branches on
/// data, so it runs in constant time.
/// </summary>
internal static class Sha1Compression
{
    /// <summary>The SHA-1 initial hash value.</summary>
    public static void Initialize(Span<uint> state)
    {
        state[0] = 0x67452301;
        state[1] = 0xEFCDAB89;
        state[2] = 0x98BADCFE;
        state[3] = 0x10325476;
        state[4] = 0xC3D2E1F0;
    }

    /// <summary>
    /// Hashes <paramref name="data"/> on from <paramref name="state"/>, which has already absorbed
    /// <paramref name="prefixLength"/> bytes (a multiple of 64), pads, and writes the 20-byte digest.
    /// </summary>
    public static void Finish(Span<uint> state, ReadOnlySpan<byte> data, long prefixLength, Span<byte> digest)
    {
        long total = prefixLength + data.Length;
        while (data.Length >= 64)
        {
            Compress(state, data[..64]);
            data = data[64..];
        }

        Span<byte> last = stackalloc byte[128];
        last.Clear();
        data.CopyTo(last);
        last[data.Length] = 0x80;
        int blocks = data.Length + 9 <= 64 ? 1 : 2;
        BinaryPrimitives.WriteUInt64BigEndian(last[((blocks * 64) - 8)..], (ulong)total * 8);
        Compress(state, last[..64]);
        if (blocks == 2)
        {
            Compress(state, last[64..]);
        }

        for (int i = 0; i < 5; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], state[i]);
        }
    }

    /// <summary>Absorbs one 64-byte block.</summary>
    public static void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[80];
        for (int i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * i)..]);
        }

        for (int i = 16; i < 80; i++)
        {
            w[i] = BitOperations.RotateLeft(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        // Four rounds of 20 steps: Ch, Parity, Maj, Parity (section 4.1.1); the step index, never the data, picks the function.
        for (int i = 0; i < 20; i++)
        {
            uint t = BitOperations.RotateLeft(a, 5) + ((b & c) | (~b & d)) + e + 0x5A827999 + w[i];
            (e, d, c, b, a) = (d, c, BitOperations.RotateLeft(b, 30), a, t);
        }

        for (int i = 20; i < 40; i++)
        {
            uint t = BitOperations.RotateLeft(a, 5) + (b ^ c ^ d) + e + 0x6ED9EBA1 + w[i];
            (e, d, c, b, a) = (d, c, BitOperations.RotateLeft(b, 30), a, t);
        }

        for (int i = 40; i < 60; i++)
        {
            uint t = BitOperations.RotateLeft(a, 5) + ((b & c) | (b & d) | (c & d)) + e + 0x8F1BBCDC + w[i];
            (e, d, c, b, a) = (d, c, BitOperations.RotateLeft(b, 30), a, t);
        }

        for (int i = 60; i < 80; i++)
        {
            uint t = BitOperations.RotateLeft(a, 5) + (b ^ c ^ d) + e + 0xCA62C1D6 + w[i];
            (e, d, c, b, a) = (d, c, BitOperations.RotateLeft(b, 30), a, t);
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }
}
