using System.Numerics;
using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// XEdDSA signatures made with a Curve25519 (X25519) private key, in the variant libsignal
/// uses for signed prekeys: the nonce hash is prefixed with 0xFE and 31 bytes of 0xFF, the
/// Edwards public key keeps its natural sign, and that sign bit travels in the top bit of the
/// last signature byte. Verification converts the Montgomery u to the Edwards y = (u-1)/(u+1)
/// and lets BouncyCastle's Ed25519 do the rest.
/// </summary>
/// <remarks>
/// Signing is constant time with respect to the private key and the nonce: the mod-l scalar
/// arithmetic (hash reductions, s = r + h·a, k/8) is <see cref="Scalar25519"/>; a·B and r·B come
/// from BouncyCastle's constant-time fixed-base multiplication, which only takes clamped
/// scalars, so r·B is assembled from two such multiples (see <see cref="MultiplyBase"/>) with
/// point decoding, additions and encoding in <see cref="Edwards25519"/> over
/// <see cref="Field25519"/> (fixed-length loops, no secret-dependent branches or indices).
/// C# gives no timing guarantees of its own: this relies on the JIT keeping branch-free code
/// branch-free and on the CPU's 64-bit multiply taking constant time, as on current x64 and
/// arm64 cores. System.Numerics.BigInteger is left only where values are public: the u to y
/// conversion of the public key in verification, the reference multiplication used by tests,
/// and one precomputed constant point. Verification, which handles attacker-controlled input,
/// is BouncyCastle's.
/// </remarks>
internal static class XEdDsa
{
    public const int SignatureLength = 64;

    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger D = Mod(-121665 * ModInverse(121666));
    private static readonly BigInteger D2 = Mod(2 * D);
    private static readonly ExtendedPoint BasePoint = CreateBasePoint();

    /// <summary>Signs <paramref name="message"/> with a clamped X25519 private key.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        Span<byte> random = stackalloc byte[64];
        RandomNumberGenerator.Fill(random);
        try
        {
            return Sign(privateKey, message, random);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }

    /// <summary>Signs with explicit randomness (tests use this to get deterministic output).</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random)
    {
        if (privateKey.Length != 32 || random.Length != 64)
        {
            throw new ArgumentException("XEdDSA needs a 32-byte private key and 64 random bytes.");
        }

        Span<byte> publicEdwards = stackalloc byte[32];
        Span<byte> clamped = stackalloc byte[32];
        privateKey.CopyTo(clamped);
        Curve25519.Clamp(clamped);
        MultiplyBaseClamped(clamped, publicEdwards);
        CryptographicOperations.ZeroMemory(clamped);

        // r = SHA-512(0xFE || 0xFF*31 || a || M || Z) mod l
        byte[] nonceInput = new byte[32 + 32 + message.Length + 64];
        byte[] hashInput = new byte[32 + 32 + message.Length];
        Span<byte> r = stackalloc byte[Scalar25519.Length];
        Span<byte> h = stackalloc byte[Scalar25519.Length];
        try
        {
            nonceInput[0] = 0xFE;
            nonceInput.AsSpan(1, 31).Fill(0xFF);
            privateKey.CopyTo(nonceInput.AsSpan(32));
            message.CopyTo(nonceInput.AsSpan(64));
            random.CopyTo(nonceInput.AsSpan(64 + message.Length));
            ReduceHash(nonceInput, r);

            byte[] signature = new byte[SignatureLength];
            MultiplyBase(r, signature.AsSpan(0, 32));

            // h = SHA-512(R || A || M) mod l; s = r + h * a mod l, with a the private key as
            // given (callers hold clamped keys, as libsignal does).
            signature.AsSpan(0, 32).CopyTo(hashInput);
            publicEdwards.CopyTo(hashInput.AsSpan(32));
            message.CopyTo(hashInput.AsSpan(64));
            ReduceHash(hashInput, h);
            Scalar25519.MulAdd(h, privateKey, r, signature.AsSpan(32));

            // s < l < 2^253, so the top bit is free for the Edwards sign bit.
            signature[63] = (byte)((signature[63] & 0x7F) | (publicEdwards[31] & 0x80));
            return signature;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nonceInput);
            CryptographicOperations.ZeroMemory(r);
            CryptographicOperations.ZeroMemory(h);
        }
    }

    /// <summary>Verifies an XEdDSA signature against a 32-byte X25519 public key (u coordinate).</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKeyU, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKeyU.Length != 32 || signature.Length != SignatureLength)
        {
            return false;
        }

        Span<byte> uBytes = stackalloc byte[32];
        publicKeyU.CopyTo(uBytes);
        uBytes[31] &= 0x7F;
        BigInteger u = new(uBytes, isUnsigned: true, isBigEndian: false);
        BigInteger denominator = Mod(u + 1);
        if (denominator.IsZero)
        {
            return false;
        }

        BigInteger y = Mod((u - 1) * ModInverse(denominator));
        Span<byte> edwards = stackalloc byte[32];
        y.TryWriteBytes(edwards, out _, isUnsigned: true, isBigEndian: false);
        edwards[31] |= (byte)(signature[63] & 0x80);

        Span<byte> sig = stackalloc byte[SignatureLength];
        signature.CopyTo(sig);
        sig[63] &= 0x7F;
        return Ed25519.Verify(sig, edwards, message);
    }

    /// <summary>Encodes k·B for a scalar k &lt; 2^256, in constant time.</summary>
    /// <remarks>
    /// BouncyCastle's public fixed-base multiplication clamps its scalar (clears the low 3 bits
    /// and bit 255, sets bit 254), so it computes exactly the multiples (2^254 + 8u)·B with
    /// u &lt; 2^251, and BouncyCastle 2.7.0 has no public unclamped one. With t = k/8 mod l
    /// (t &lt; l &lt; 2^253) written as t = 4·t1 + t0, t1 = ⌊t/4⌋ &lt; 2^251 and t0 = t mod 4:
    /// 4·(2^254 + 8 t1) + (2^254 + 8 t0) = 5·2^254 + 8t ≡ 5·2^254 + k, hence
    /// k·B = 4·P1 + P0 − C with the public constant C = 5·2^254·B. The split, the point
    /// decoding, the additions and the encoding are all constant time (<see cref="Scalar25519"/>,
    /// <see cref="Edwards25519"/>).
    /// </remarks>
    internal static void MultiplyBase(ReadOnlySpan<byte> k, Span<byte> encoded)
    {
        Span<byte> t = stackalloc byte[Scalar25519.Length];
        Span<byte> t1 = stackalloc byte[Scalar25519.Length];
        Span<byte> t0 = stackalloc byte[Scalar25519.Length];
        Span<byte> scalar = stackalloc byte[32];
        Span<byte> p1 = stackalloc byte[32];
        Span<byte> p0 = stackalloc byte[32];
        try
        {
            Scalar25519.MulAdd(k, Scalar25519.InverseOfEight, Zero, t);

            // t1 = t >> 2 and t0 = t & 3, without branches.
            for (int i = 0; i < 32; i++)
            {
                int next = i < 31 ? t[i + 1] : 0;
                t1[i] = (byte)((t[i] >> 2) | (next << 6));
            }

            t0.Clear();
            t0[0] = (byte)(t[0] & 3);

            ClampedForm(t1, scalar);
            MultiplyBaseClamped(scalar, p1);
            ClampedForm(t0, scalar);
            MultiplyBaseClamped(scalar, p0);
            Edwards25519.ExtendedPoint point = Edwards25519.Decode(p1);
            point = Edwards25519.Add(point, point);
            point = Edwards25519.Add(point, point);
            point = Edwards25519.Add(point, Edwards25519.Decode(p0));
            Edwards25519.Encode(Edwards25519.Add(point, MinusC), encoded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(t);
            CryptographicOperations.ZeroMemory(t1);
            CryptographicOperations.ZeroMemory(t0);
            CryptographicOperations.ZeroMemory(scalar);
            CryptographicOperations.ZeroMemory(p1);
            CryptographicOperations.ZeroMemory(p0);
        }
    }

    /// <summary>Reference k·B by double-and-add in BigInteger arithmetic (not constant time: tests and public constants only).</summary>
    internal static void MultiplyBaseReference(BigInteger k, Span<byte> encoded) => Encode(ScalarMult(k, BasePoint), encoded);

    private static readonly Edwards25519.ExtendedPoint MinusC = CreateMinusC();

    private static readonly byte[] Zero = new byte[32];

    /// <summary>Writes 2^254 + 8u for u &lt; 2^251: u shifted left by three bits, bit 254 set.</summary>
    private static void ClampedForm(ReadOnlySpan<byte> u, Span<byte> scalar)
    {
        int carry = 0;
        for (int i = 0; i < 32; i++)
        {
            scalar[i] = (byte)((u[i] << 3) | carry);
            carry = u[i] >> 5;
        }

        scalar[31] |= 0x40;
    }

    /// <summary>clamp(scalar)·B, encoded, by BouncyCastle's constant-time fixed-base multiplication.</summary>
    private static void MultiplyBaseClamped(ReadOnlySpan<byte> scalar, Span<byte> encoded)
    {
        Span<byte> expanded = stackalloc byte[Ed25519.ExpandedKey.ExpandedKeySize];
        expanded.Clear();
        scalar[..32].CopyTo(expanded);
        Ed25519.ExpandedKey.GeneratePublicKey(expanded, encoded);
        CryptographicOperations.ZeroMemory(expanded);
    }

    private static Edwards25519.ExtendedPoint CreateMinusC()
    {
        // −(5·2^254)·B = (l − 5·2^254 mod l)·B, a public constant.
        Span<byte> encoded = stackalloc byte[32];
        Encode(ScalarMult(L - (5 * BigInteger.Pow(2, 254) % L), BasePoint), encoded);
        return Edwards25519.Decode(encoded);
    }

    private static BigInteger RecoverX(BigInteger y, bool odd)
    {
        // x^2 = (y^2 - 1) / (d y^2 + 1); square root by the p = 5 mod 8 method.
        BigInteger xx = Mod((y * y - 1) * ModInverse(D * y * y + 1));
        BigInteger x = BigInteger.ModPow(xx, (P + 3) / 8, P);
        if (Mod(x * x - xx) != 0)
        {
            x = Mod(x * BigInteger.ModPow(2, (P - 1) / 4, P));
        }

        if (x.IsEven == odd)
        {
            x = Mod(P - x);
        }

        return x;
    }

    private static void ReduceHash(ReadOnlySpan<byte> input, Span<byte> scalar)
    {
        Span<byte> digest = stackalloc byte[64];
        SHA512.HashData(input, digest);
        Scalar25519.Reduce64(digest, scalar);
        CryptographicOperations.ZeroMemory(digest);
    }

    private static BigInteger Mod(BigInteger x)
    {
        BigInteger r = x % P;
        return r.Sign < 0 ? r + P : r;
    }

    private static BigInteger ModInverse(BigInteger x) => BigInteger.ModPow(Mod(x), P - 2, P);

    private static ExtendedPoint CreateBasePoint()
    {
        BigInteger y = Mod(4 * ModInverse(5));
        BigInteger x = RecoverX(y, odd: false);
        return new ExtendedPoint(x, y, 1, Mod(x * y));
    }

    private static ExtendedPoint ScalarMult(BigInteger k, ExtendedPoint point)
    {
        ExtendedPoint result = new(0, 1, 1, 0);
        for (long i = (long)k.GetBitLength() - 1; i >= 0; i--)
        {
            result = Add(result, result);
            if (!(k >> (int)i).IsEven)
            {
                result = Add(result, point);
            }
        }

        return result;
    }

    // Unified addition for a = -1 twisted Edwards curves in extended coordinates (also doubles).
    private static ExtendedPoint Add(ExtendedPoint p, ExtendedPoint q)
    {
        BigInteger a = Mod((p.Y - p.X) * (q.Y - q.X));
        BigInteger b = Mod((p.Y + p.X) * (q.Y + q.X));
        BigInteger c = Mod(p.T * D2 * q.T);
        BigInteger d = Mod(2 * p.Z * q.Z);
        BigInteger e = b - a;
        BigInteger f = d - c;
        BigInteger g = d + c;
        BigInteger h = b + a;
        return new ExtendedPoint(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static void Encode(ExtendedPoint point, Span<byte> destination)
    {
        BigInteger zInverse = ModInverse(point.Z);
        BigInteger x = Mod(point.X * zInverse);
        BigInteger y = Mod(point.Y * zInverse);
        destination[..32].Clear();
        y.TryWriteBytes(destination, out _, isUnsigned: true, isBigEndian: false);
        if (!x.IsEven)
        {
            destination[31] |= 0x80;
        }
    }

    private readonly record struct ExtendedPoint(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);
}
