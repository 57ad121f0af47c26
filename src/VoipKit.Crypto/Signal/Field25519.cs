using System.Runtime.CompilerServices;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// An element of GF(2^255 − 19) in sixteen signed 16-bit limbs (value = Σ limb_i·2^(16i)),
/// with constant-time arithmetic: fixed-length loops, no branches or memory addresses that
/// depend on the value.
/// </summary>
/// <remarks>
/// Products reduce with 2^256 ≡ 38 (mod p). After <see cref="Carry"/> every limb is in
/// [−38, 2^16 + 38), so a product term is below 2^34 and a column sum (16 terms, the upper ones
/// times 38) stays far below 2^63. Add and Sub carry too, so any result can feed a Mul.
/// </remarks>
[InlineArray(16)]
internal struct Field25519
{
    private long _limb;

    /// <summary>Reads 32 little-endian bytes, ignoring bit 255.</summary>
    public static Field25519 FromBytes(ReadOnlySpan<byte> bytes)
    {
        Field25519 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = bytes[2 * i] | (bytes[(2 * i) + 1] << 8);
        }

        r[15] &= 0x7FFF;
        return r;
    }

    public static Field25519 One()
    {
        Field25519 r = default;
        r[0] = 1;
        return r;
    }

    public static Field25519 Add(in Field25519 a, in Field25519 b)
    {
        Field25519 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = a[i] + b[i];
        }

        Carry(ref r);
        return r;
    }

    public static Field25519 Sub(in Field25519 a, in Field25519 b)
    {
        Field25519 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = a[i] - b[i];
        }

        Carry(ref r);
        return r;
    }

    public static Field25519 Mul(in Field25519 a, in Field25519 b)
    {
        Span<long> t = stackalloc long[31];
        t.Clear();
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 16; j++)
            {
                t[i + j] += a[i] * b[j];
            }
        }

        Field25519 r = default;
        for (int i = 0; i < 15; i++)
        {
            r[i] = t[i] + (38 * t[i + 16]);
        }

        r[15] = t[15];
        Carry(ref r);
        Carry(ref r);
        return r;
    }

    public static Field25519 Square(in Field25519 a) => Mul(a, a);

    /// <summary>a^e for a public exponent e (32 bytes little-endian); the exponent's bits may steer branches, a's may not.</summary>
    public static Field25519 Pow(in Field25519 a, ReadOnlySpan<byte> exponent)
    {
        Field25519 r = One();
        for (int i = 255; i >= 0; i--)
        {
            r = Square(r);
            if (((exponent[i >> 3] >> (i & 7)) & 1) != 0)
            {
                r = Mul(r, a);
            }
        }

        return r;
    }

    /// <summary>a^(p−2) = 1/a (0 for 0).</summary>
    public static Field25519 Invert(in Field25519 a) => Pow(a, PMinus2);

    /// <summary>a^((p−5)/8), the core of the square root for p ≡ 5 (mod 8).</summary>
    public static Field25519 PowPMinus5Over8(in Field25519 a) => Pow(a, PMinus5Over8);

    /// <summary>Writes the canonical (fully reduced) 32-byte little-endian encoding.</summary>
    public static void ToBytes(in Field25519 a, Span<byte> bytes)
    {
        Field25519 r = a;
        Carry(ref r);
        Carry(ref r);

        // Now limbs 1..15 are in [0, 2^16) and limb 0 in [−38, 2^16 + 38): the value is in
        // (−2^6, 2^256 + 2^6). Adding 2p = 2^256 − 38 makes it non-negative, below 2^257 + 2^7.
        r[0] += 0xFFDA;
        for (int i = 1; i < 16; i++)
        {
            r[i] += 0xFFFF;
        }

        for (int i = 0; i < 15; i++)
        {
            r[i + 1] += r[i] >> 16;
            r[i] &= 0xFFFF;
        }

        // Fold bits 255 and up with 2^255 ≡ 19, then propagate: the value is now below 2^255 + 2^9 < 2p.
        long top = r[15] >> 15;
        r[15] &= 0x7FFF;
        r[0] += 19 * top;
        for (int i = 0; i < 15; i++)
        {
            r[i + 1] += r[i] >> 16;
            r[i] &= 0xFFFF;
        }

        // Subtract p once if the value is at least p, by a mask select.
        Field25519 m = default;
        long borrow = 0;
        for (int i = 0; i < 16; i++)
        {
            long pLimb = i == 0 ? 0xFFED : i == 15 ? 0x7FFF : 0xFFFF;
            long diff = r[i] - pLimb - borrow;
            borrow = (diff >> 16) & 1;
            m[i] = diff & 0xFFFF;
        }

        long keepDifference = borrow - 1; // all ones when no borrow (value ≥ p)
        for (int i = 0; i < 16; i++)
        {
            long limb = (m[i] & keepDifference) | (r[i] & ~keepDifference);
            bytes[2 * i] = (byte)limb;
            bytes[(2 * i) + 1] = (byte)(limb >> 8);
        }
    }

    /// <summary>All ones when a ≡ b (mod p), else 0, without branching on the values.</summary>
    public static long EqualMask(in Field25519 a, in Field25519 b)
    {
        Span<byte> x = stackalloc byte[32];
        Span<byte> y = stackalloc byte[32];
        ToBytes(a, x);
        ToBytes(b, y);
        int difference = 0;
        for (int i = 0; i < 32; i++)
        {
            difference |= x[i] ^ y[i];
        }

        // difference is in [0, 255]: (difference − 1) >> 8 is −1 exactly when it is 0.
        return (long)((difference - 1) >> 8);
    }

    /// <summary>The low bit of the canonical value.</summary>
    public static int IsOdd(in Field25519 a)
    {
        Span<byte> x = stackalloc byte[32];
        ToBytes(a, x);
        return x[0] & 1;
    }

    /// <summary>mask all ones → b, mask 0 → a.</summary>
    public static Field25519 Select(in Field25519 a, in Field25519 b, long mask)
    {
        Field25519 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = (a[i] & ~mask) | (b[i] & mask);
        }

        return r;
    }

    /// <summary>Propagates carries once round (the carry out of the top limb re-enters limb 0 times 38).</summary>
    private static void Carry(ref Field25519 r)
    {
        for (int i = 0; i < 16; i++)
        {
            long carry = r[i] >> 16; // arithmetic shift: floor division, also for negative limbs
            r[i] -= carry << 16;
            if (i < 15)
            {
                r[i + 1] += carry;
            }
            else
            {
                r[0] += 38 * carry;
            }
        }
    }

    private static ReadOnlySpan<byte> PMinus2 =>
    [
        0xeb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
    ];

    private static ReadOnlySpan<byte> PMinus5Over8 =>
    [
        0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
    ];
}
