using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// Constant-time arithmetic modulo the Ed25519 group order
/// l = 2^252 + 27742317777372353535851937790883648493, on 32-byte little-endian scalars.
/// </summary>
/// <remarks>
/// Values live in eight 32-bit limbs. The reduction is the plain binary long division
/// x = Σ bit_i·2^i evaluated from the top bit down (r ← 2r + bit, then subtract l if r ≥ l):
/// 512 fixed rounds whose conditional subtraction is a mask select, so neither the number of
/// operations nor any memory address depends on the value. It is slower than a folding or
/// Barrett reduction, but each signature needs only three of them, and it is easy to check.
/// </remarks>
internal static class Scalar25519
{
    /// <summary>Length of a scalar in bytes.</summary>
    public const int Length = 32;

    private const int Limbs = 8;

    // l, little-endian 32-bit limbs.
    private static ReadOnlySpan<uint> Order =>
    [
        0x5CF5D3ED, 0x5812631A, 0xA2F79CD6, 0x14DEF9DE, 0x00000000, 0x00000000, 0x00000000, 0x10000000,
    ];

    /// <summary>8⁻¹ mod l, little-endian.</summary>
    public static ReadOnlySpan<byte> InverseOfEight =>
    [
        0x79, 0x2f, 0xdc, 0xe2, 0x29, 0xe5, 0x06, 0x61, 0xd0, 0xda, 0x1c, 0x7d, 0xb3, 0x9d, 0xd3, 0x07,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
    ];

    /// <summary>Writes <paramref name="input"/> (64 bytes, little-endian) mod l to <paramref name="result"/> (32 bytes).</summary>
    public static void Reduce64(ReadOnlySpan<byte> input, Span<byte> result)
    {
        if (input.Length != 64 || result.Length < Length)
        {
            throw new ArgumentException("Reduce64 needs 64 input bytes and 32 output bytes.");
        }

        Span<uint> r = stackalloc uint[Limbs];
        Span<uint> d = stackalloc uint[Limbs];
        r.Clear();
        ReadOnlySpan<uint> order = Order;
        for (int i = 511; i >= 0; i--)
        {
            // r ← 2r + bit. r < l < 2^253 before, so 2r + 1 < 2^254 fits the eight limbs.
            uint carry = (uint)(input[i >> 3] >> (i & 7)) & 1;
            for (int j = 0; j < Limbs; j++)
            {
                uint limb = r[j];
                r[j] = (limb << 1) | carry;
                carry = limb >> 31;
            }

            // d ← r − l; keep d when that did not borrow (r ≥ l). r < 2l, so once is enough.
            long borrow = 0;
            for (int j = 0; j < Limbs; j++)
            {
                long diff = (long)r[j] - order[j] - borrow;
                d[j] = (uint)diff;
                borrow = (diff >> 63) & 1;
            }

            uint keepDifference = (uint)borrow - 1; // all ones when no borrow
            for (int j = 0; j < Limbs; j++)
            {
                r[j] = (d[j] & keepDifference) | (r[j] & ~keepDifference);
            }
        }

        for (int j = 0; j < Limbs; j++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result[(4 * j)..], r[j]);
        }

        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(r));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(d));
    }

    /// <summary>
    /// Writes (a·b + c) mod l to <paramref name="result"/>. The inputs are any 32-byte
    /// little-endian values (they need not be reduced).
    /// </summary>
    public static void MulAdd(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> result)
    {
        if (a.Length != Length || b.Length != Length || c.Length != Length || result.Length < Length)
        {
            throw new ArgumentException("MulAdd needs 32-byte scalars.");
        }

        Span<uint> x = stackalloc uint[Limbs];
        Span<uint> y = stackalloc uint[Limbs];
        Span<uint> product = stackalloc uint[2 * Limbs];
        Span<byte> wide = stackalloc byte[64];
        for (int j = 0; j < Limbs; j++)
        {
            x[j] = BinaryPrimitives.ReadUInt32LittleEndian(a[(4 * j)..]);
            y[j] = BinaryPrimitives.ReadUInt32LittleEndian(b[(4 * j)..]);
            product[j] = BinaryPrimitives.ReadUInt32LittleEndian(c[(4 * j)..]);
        }

        product[Limbs..].Clear();

        // Schoolbook product accumulated onto c. Each step is at most
        // (2^32−1)^2 + 2(2^32−1) = 2^64 − 1, and a·b + c < 2^512, so nothing overflows.
        for (int i = 0; i < Limbs; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < Limbs; j++)
            {
                ulong t = ((ulong)x[i] * y[j]) + product[i + j] + carry;
                product[i + j] = (uint)t;
                carry = t >> 32;
            }

            // Propagate into the higher limbs; the loop length is fixed, carries just become 0.
            for (int k = i + Limbs; k < 2 * Limbs; k++)
            {
                ulong t = (ulong)product[k] + carry;
                product[k] = (uint)t;
                carry = t >> 32;
            }
        }

        for (int j = 0; j < 2 * Limbs; j++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(wide[(4 * j)..], product[j]);
        }

        Reduce64(wide, result);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(x));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(y));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(product));
        CryptographicOperations.ZeroMemory(wide);
    }
}
