using System.Numerics;
using System.Security.Cryptography;
using FsCheck.Xunit;
using VoipKit.Crypto.Signal;
using static VoipKit.Crypto.Tests.Signal.Hex;

namespace VoipKit.Crypto.Tests.Signal;

public class Field25519Tests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    // Below 2^255 (FromBytes ignores bit 255), including non-canonical values p..2^255-1.
    private static readonly BigInteger[] Edges =
    [
        0, 1, 2, 19, 38, P - 2, P - 1, P, P + 1, P + 18, BigInteger.Pow(2, 255) - 1, BigInteger.Pow(2, 254), BigInteger.Pow(2, 16) - 1, BigInteger.Pow(2, 16),
    ];

    [Property(MaxTest = 1000)]
    public bool Arithmetic_matches_BigInteger(ulong seed, byte kindA, byte kindB)
    {
        BigInteger a = Pick(seed, kindA);
        BigInteger b = Pick(seed + 1, kindB);
        Field25519 x = Field25519.FromBytes(Bytes(a));
        Field25519 y = Field25519.FromBytes(Bytes(b));
        return Value(Field25519.Add(x, y)) == (a + b) % P
            && Value(Field25519.Sub(x, y)) == Mod(a - b)
            && Value(Field25519.Mul(x, y)) == a * b % P
            && Value(Field25519.Mul(Field25519.Sub(x, y), Field25519.Add(Field25519.Sub(y, x), x))) == Mod((a - b) * b)
            && Value(x) == a % P
            && (Field25519.EqualMask(x, y) == -1) == (a % P == b % P)
            && Field25519.IsOdd(x) == (int)(a % P % 2);
    }

    [Property(MaxTest = 100)]
    public bool Invert_matches_BigInteger(ulong seed, byte kind)
    {
        BigInteger a = Pick(seed, kind);
        BigInteger expected = a % P == 0 ? 0 : BigInteger.ModPow(a, P - 2, P);
        return Value(Field25519.Invert(Field25519.FromBytes(Bytes(a)))) == expected;
    }

    [Fact]
    public void Canonical_encoding_of_edge_values()
    {
        foreach (BigInteger e in Edges)
        {
            Assert.Equal(S(Bytes(e % P)), S(Encode(Field25519.FromBytes(Bytes(e)))));
        }

        // Differences that go negative in every limb still encode canonically.
        Field25519 zero = default;
        Field25519 minusOne = Field25519.Sub(zero, Field25519.One());
        Assert.Equal(S(Bytes(P - 1)), S(Encode(minusOne)));
        Assert.Equal(S(Bytes(P - 2)), S(Encode(Field25519.Sub(minusOne, Field25519.One()))));
    }

    [Fact]
    public void Point_addition_and_decoding_match_the_reference()
    {
        var l = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
        var pairs = new List<(BigInteger, BigInteger)> { (1, 1), (0, 5), (1, l - 1), (7, 9), (l - 1, l - 1) };
        for (int i = 0; i < 10; i++)
        {
            pairs.Add((new BigInteger(RandomNumberGenerator.GetBytes(40), isUnsigned: true) % l, new BigInteger(RandomNumberGenerator.GetBytes(40), isUnsigned: true) % l));
        }

        byte[] first = new byte[32];
        byte[] second = new byte[32];
        byte[] expected = new byte[32];
        byte[] actual = new byte[32];
        foreach ((BigInteger j, BigInteger k) in pairs)
        {
            XEdDsa.MultiplyBaseReference(j, first);
            XEdDsa.MultiplyBaseReference(k, second);
            XEdDsa.MultiplyBaseReference((j + k) % l, expected);
            Edwards25519.Encode(Edwards25519.Decode(first), actual);
            Assert.Equal(S(first), S(actual));
            Edwards25519.Encode(Edwards25519.Add(Edwards25519.Decode(first), Edwards25519.Decode(second)), actual);
            Assert.Equal(S(expected), S(actual));
        }
    }

    private static BigInteger Pick(ulong seed, byte kind)
    {
        if (kind % 2 == 1)
        {
            return Edges[kind / 2 % Edges.Length];
        }

        byte[] random = SHA256.HashData(BitConverter.GetBytes(seed));
        random[31] &= 0x7F;
        return new BigInteger(random, isUnsigned: true, isBigEndian: false);
    }

    private static BigInteger Mod(BigInteger x) => ((x % P) + P) % P;

    private static byte[] Encode(in Field25519 x)
    {
        byte[] bytes = new byte[32];
        Field25519.ToBytes(x, bytes);
        return bytes;
    }

    private static BigInteger Value(in Field25519 x)
    {
        BigInteger v = new(Encode(x), isUnsigned: true, isBigEndian: false);
        Assert.True(v < P, "not canonical");
        return v;
    }

    private static byte[] Bytes(BigInteger value)
    {
        byte[] bytes = new byte[32];
        Assert.True(value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false));
        return bytes;
    }
}
