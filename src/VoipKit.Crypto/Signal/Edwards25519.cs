namespace VoipKit.Crypto.Signal;

/// <summary>
/// Constant-time point decoding, addition and encoding on edwards25519
/// (−x² + y² = 1 + d·x²·y²), in extended coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z,
/// xy = T/Z, over <see cref="Field25519"/>.
/// </summary>
internal static class Edwards25519
{
    private static readonly Field25519 D2 = Field25519.FromBytes(
    [
        0x59, 0xf1, 0xb2, 0x26, 0x94, 0x9b, 0xd6, 0xeb, 0x56, 0xb1, 0x83, 0x82, 0x9a, 0x14, 0xe0, 0x00,
        0x30, 0xd1, 0xf3, 0xee, 0xf2, 0x80, 0x8e, 0x19, 0xe7, 0xfc, 0xdf, 0x56, 0xdc, 0xd9, 0x06, 0x24,
    ]);

    private static readonly Field25519 D = Field25519.FromBytes(
    [
        0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
        0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
    ]);

    // A square root of −1: 2^((p−1)/4).
    private static readonly Field25519 SqrtMinusOne = Field25519.FromBytes(
    [
        0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
        0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b,
    ]);

    /// <summary>
    /// Decodes a point encoding known to be valid (y below p, on the curve), as produced by an
    /// encoder; there is no validation, and the work does not depend on the value.
    /// </summary>
    public static ExtendedPoint Decode(ReadOnlySpan<byte> encoded)
    {
        // x² = u/v with u = y² − 1, v = d·y² + 1. For p ≡ 5 (mod 8) the candidate
        // x = u·v³·(u·v⁷)^((p−5)/8) satisfies v·x² = ±u; when it is −u, x·√−1 is the root.
        Field25519 y = Field25519.FromBytes(encoded);
        Field25519 one = Field25519.One();
        Field25519 yy = Field25519.Square(y);
        Field25519 u = Field25519.Sub(yy, one);
        Field25519 v = Field25519.Add(Field25519.Mul(D, yy), one);
        Field25519 v3 = Field25519.Mul(Field25519.Square(v), v);
        Field25519 v7 = Field25519.Mul(Field25519.Square(v3), v);
        Field25519 x = Field25519.Mul(Field25519.Mul(u, v3), Field25519.PowPMinus5Over8(Field25519.Mul(u, v7)));
        Field25519 vxx = Field25519.Mul(v, Field25519.Square(x));
        long rootOfMinus = ~Field25519.EqualMask(vxx, u);
        x = Field25519.Select(x, Field25519.Mul(x, SqrtMinusOne), rootOfMinus);

        // Pick the root whose parity is the encoded sign bit.
        long wrongSign = -(long)(Field25519.IsOdd(x) ^ (encoded[31] >> 7));
        x = Field25519.Select(x, Field25519.Sub(default, x), wrongSign);
        return new ExtendedPoint(x, y, one, Field25519.Mul(x, y));
    }

    /// <summary>P + Q by the unified addition for a = −1 (valid for doubling too).</summary>
    public static ExtendedPoint Add(in ExtendedPoint p, in ExtendedPoint q)
    {
        Field25519 a = Field25519.Mul(Field25519.Sub(p.Y, p.X), Field25519.Sub(q.Y, q.X));
        Field25519 b = Field25519.Mul(Field25519.Add(p.Y, p.X), Field25519.Add(q.Y, q.X));
        Field25519 c = Field25519.Mul(Field25519.Mul(p.T, D2), q.T);
        Field25519 zz = Field25519.Mul(p.Z, q.Z);
        Field25519 d = Field25519.Add(zz, zz);
        Field25519 e = Field25519.Sub(b, a);
        Field25519 f = Field25519.Sub(d, c);
        Field25519 g = Field25519.Add(d, c);
        Field25519 h = Field25519.Add(b, a);
        return new ExtendedPoint(Field25519.Mul(e, f), Field25519.Mul(g, h), Field25519.Mul(f, g), Field25519.Mul(e, h));
    }

    /// <summary>Writes the 32-byte encoding: y, with the parity of x in bit 255.</summary>
    public static void Encode(in ExtendedPoint point, Span<byte> encoded)
    {
        Field25519 zInverse = Field25519.Invert(point.Z);
        Field25519 x = Field25519.Mul(point.X, zInverse);
        Field25519 y = Field25519.Mul(point.Y, zInverse);
        Field25519.ToBytes(y, encoded);
        encoded[31] |= (byte)(Field25519.IsOdd(x) << 7);
    }

    /// <summary>A point in extended coordinates.</summary>
    internal readonly struct ExtendedPoint(Field25519 x, Field25519 y, Field25519 z, Field25519 t)
    {
        public Field25519 X { get; } = x;

        public Field25519 Y { get; } = y;

        public Field25519 Z { get; } = z;

        public Field25519 T { get; } = t;
    }
}
