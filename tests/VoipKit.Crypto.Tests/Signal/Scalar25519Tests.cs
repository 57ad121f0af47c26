using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using FsCheck.Xunit;
using VoipKit.Crypto.Signal;
using static VoipKit.Crypto.Tests.Signal.Hex;

namespace VoipKit.Crypto.Tests.Signal;

public class Scalar25519Tests
{
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", CultureInfo.InvariantCulture);

    // Edge values every generated input may be drawn from (taken mod 2^bits by the caller).
    private static readonly BigInteger[] Edges =
    [
        0, 1, 2, 7, 8, L - 1, L, L + 1, 2 * L - 1, 2 * L, BigInteger.Pow(2, 252) - 1, BigInteger.Pow(2, 252),
        BigInteger.Pow(2, 253) - 1, BigInteger.Pow(2, 255), BigInteger.Pow(2, 256) - 1, L * L, (L * L) - 1,
        BigInteger.Pow(2, 511), BigInteger.Pow(2, 512) - 1, BigInteger.Pow(2, 512) - L,
    ];

    [Fact]
    public void Constants_are_l_and_the_inverse_of_eight()
    {
        Assert.Equal(BigInteger.One, 8 * Big(Scalar25519.InverseOfEight) % L);
        Assert.Equal("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010", S(Bytes(L, 32)));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1", "1")]
    [InlineData("l-1", "l-1")]
    [InlineData("l", "0")]
    [InlineData("l+1", "1")]
    [InlineData("2^256-1", "r256")]
    [InlineData("2^512-1", "r512")]
    public void Reduce64_known_values(string input, string expected)
    {
        BigInteger Value(string name) => name switch
        {
            "l-1" => L - 1,
            "l" => L,
            "l+1" => L + 1,
            "2^256-1" => BigInteger.Pow(2, 256) - 1,
            "2^512-1" => BigInteger.Pow(2, 512) - 1,
            "r256" => (BigInteger.Pow(2, 256) - 1) % L,
            "r512" => (BigInteger.Pow(2, 512) - 1) % L,
            _ => BigInteger.Parse(name, CultureInfo.InvariantCulture),
        };

        byte[] result = new byte[32];
        Scalar25519.Reduce64(Bytes(Value(input), 64), result);
        Assert.Equal(S(Bytes(Value(expected), 32)), S(result));
    }

    [Theory]
    [InlineData("ff", "000f9c44e31106a447938568a71b0ed065bef517d273ecce3d9a307c1b419903")] // 2^512 - 1
    [InlineData("00", "0000000000000000000000000000000000000000000000000000000000000000")]
    public void Reduce64_of_constant_inputs_matches_values_computed_elsewhere(string fill, string expected)
    {
        // Expected values computed independently (Python integers).
        byte[] result = new byte[32];
        Scalar25519.Reduce64(Enumerable.Repeat(Convert.FromHexString(fill)[0], 64).ToArray(), result);
        Assert.Equal(expected, S(result));
    }

    [Fact]
    public void Reduce64_of_2_256_minus_1_matches_the_value_computed_elsewhere()
    {
        byte[] input = new byte[64];
        input.AsSpan(0, 32).Fill(0xFF);
        byte[] result = new byte[32];
        Scalar25519.Reduce64(input, result);
        Assert.Equal("1c95988d7431ecd670cf7d73f45befc6feffffffffffffffffffffffffffff0f", S(result));
    }

    [Fact]
    public void MulAdd_known_values()
    {
        byte[] result = new byte[32];
        byte[] max = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        Scalar25519.MulAdd(max, max, max, result);
        Assert.Equal((((BigInteger.Pow(2, 256) - 1) * (BigInteger.Pow(2, 256) - 1)) + BigInteger.Pow(2, 256) - 1) % L, Big(result));

        Scalar25519.MulAdd(Bytes(8, 32), Scalar25519.InverseOfEight, new byte[32], result);
        Assert.Equal(BigInteger.One, Big(result));

        Scalar25519.MulAdd(Bytes(L - 1, 32), Bytes(L - 1, 32), Bytes(L - 1, 32), result);
        Assert.Equal(BigInteger.Zero, Big(result)); // (-1)(-1) + (-1) = 0
    }

    [Fact]
    public void Rejects_wrong_lengths()
    {
        Assert.Throws<ArgumentException>(() => Scalar25519.Reduce64(new byte[63], new byte[32]));
        Assert.Throws<ArgumentException>(() => Scalar25519.MulAdd(new byte[31], new byte[32], new byte[32], new byte[32]));
    }

    [Property(MaxTest = 1500)]
    public bool Reduce64_matches_BigInteger(ulong seed, byte kind, byte delta)
    {
        BigInteger x = Pick(seed, kind, delta, 512);
        byte[] result = new byte[32];
        Scalar25519.Reduce64(Bytes(x, 64), result);
        return Big(result) == x % L;
    }

    [Property(MaxTest = 1500)]
    public bool MulAdd_matches_BigInteger(ulong seed, byte kindA, byte kindB, byte kindC, byte delta)
    {
        BigInteger a = Pick(seed, kindA, delta, 256);
        BigInteger b = Pick(seed + 1, kindB, (byte)(delta >> 1), 256);
        BigInteger c = Pick(seed + 2, kindC, (byte)(delta >> 2), 256);
        byte[] result = new byte[32];
        Scalar25519.MulAdd(Bytes(a, 32), Bytes(b, 32), Bytes(c, 32), result);
        return Big(result) == ((a * b) + c) % L;
    }

    /// <summary>A value below 2^bits: random (from the seed) half of the time, else an edge value plus or minus a small delta.</summary>
    private static BigInteger Pick(ulong seed, byte kind, byte delta, int bits)
    {
        BigInteger modulus = BigInteger.Pow(2, bits);
        byte[] random = SHA512.HashData(BitConverter.GetBytes(seed));
        BigInteger value = kind % 2 == 0
            ? Big(random.AsSpan(0, bits / 8))
            : Edges[kind / 2 % Edges.Length] + ((delta % 3) - 1) * (delta >> 2);
        value %= modulus;
        return value.Sign < 0 ? value + modulus : value;
    }

    private static BigInteger Big(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: false);

    private static byte[] Bytes(BigInteger value, int length)
    {
        byte[] bytes = new byte[length];
        Assert.True(value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false));
        return bytes;
    }
}
