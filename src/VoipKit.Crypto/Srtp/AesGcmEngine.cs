using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace VoipKit.Crypto;

/// <summary>
/// AES-GCM with a 16-byte tag and a 12-byte nonce, in place. With AES-NI and PCLMULQDQ it runs
/// managed (GHASH by carry-less multiplication, four blocks per reduction); otherwise it uses
/// the BCL's <see cref="AesGcm"/>.
/// </summary>
[SkipLocalsInit]
internal sealed class AesGcmEngine : IDisposable
{
    /// <summary>Length of the authentication tag.</summary>
    public const int TagLength = 16;

    // The vector kernels below are [AggressiveOptimization]: unoptimized (tier-0) vector code is
    // many times slower, and the first seconds of a call should not pay for it.

    // GHASH inputs up to this many blocks (about 1 KB: any voice packet) are staged on the stack.
    private const int MaxStagedBlocks = 64;

    // A constant-argument Create is a JIT constant even in [AggressiveOptimization] methods,
    // where a static readonly field would be a memory load.
    private static Vector128<byte> ByteReverse
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    }

    private readonly AesCtr? _aes;
    private readonly AesGcm? _bcl;

    // H, H^2, H^3, H^4 in GHASH's byte-reflected representation.
    private Vector128<ulong> _h1;
    private Vector128<ulong> _h2;
    private Vector128<ulong> _h3;
    private Vector128<ulong> _h4;

    /// <summary>Creates the engine for a 16- or 32-byte key.</summary>
    public AesGcmEngine(ReadOnlySpan<byte> key, bool allowIntrinsics = true)
    {
        if (allowIntrinsics && IsAccelerated)
        {
            _aes = new AesCtr(key, allowIntrinsics: true);
            _h1 = Reflect(_aes.EncryptVector(Vector128<byte>.Zero));
            _h2 = GfMul(_h1, _h1);
            _h3 = GfMul(_h2, _h1);
            _h4 = GfMul(_h3, _h1);
        }
        else
        {
            _bcl = new AesGcm(key, TagLength);
        }
    }

    /// <summary>True when the managed AES-NI + PCLMULQDQ path is available.</summary>
    public static bool IsAccelerated => AesCtr.IsAccelerated && Pclmulqdq.IsSupported;

    /// <summary>True when this instance uses the managed intrinsics path.</summary>
    public bool UsesIntrinsics => _aes is not null;

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, Span<byte> data, Span<byte> tag)
    {
        if (_bcl is not null)
        {
            _bcl.Encrypt(nonce, data, data, tag[..TagLength], aad);
            return;
        }

        Vector128<byte> counterBase = NonceBlock(nonce);
        _aes!.XorKeystreamAesNi(counterBase, 2, data);
        ComputeTag(counterBase, aad, data).CopyTo(tag);
    }

    /// <summary>
    /// Checks the tag and, only when it matches, decrypts <paramref name="data"/> in place.
    /// Returns false (data untouched on the managed path) when it does not match.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        if (_bcl is not null)
        {
            try
            {
                _bcl.Decrypt(nonce, data, tag[..TagLength], data, aad);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                // Only on machines without AES-NI: the BCL reports a bad tag by exception.
                return false;
            }
        }

        Vector128<byte> counterBase = NonceBlock(nonce);
        Span<byte> expected = stackalloc byte[16];
        ComputeTag(counterBase, aad, data).CopyTo(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag[..TagLength]))
        {
            return false;
        }

        _aes!.XorKeystreamAesNi(counterBase, 2, data);
        return true;
    }

    private static Vector128<byte> NonceBlock(ReadOnlySpan<byte> nonce)
    {
        Span<byte> block = stackalloc byte[16];
        nonce[..12].CopyTo(block);
        block[12..].Clear();
        return Vector128.Create(block);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<byte> ComputeTag(Vector128<byte> counterBase, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        Vector128<ulong> lengths = Vector128.Create((ulong)ciphertext.Length * 8, (ulong)aad.Length * 8);
        Vector128<ulong> x;
        int blocks = ((aad.Length + 15) / 16) + ((ciphertext.Length + 15) / 16) + 1;
        if (blocks <= MaxStagedBlocks)
        {
            // Stage AAD, ciphertext and the length block as one run of reflected blocks so every
            // group of four shares one reduction (a voice packet: 12 blocks, 3 reductions).
            Span<Vector128<ulong>> staged = stackalloc Vector128<ulong>[MaxStagedBlocks];
            int n = Stage(aad, staged);
            n += Stage(ciphertext, staged[n..]);
            staged[n++] = lengths;
            x = GhashStaged(staged[..n]);
        }
        else
        {
            x = Ghash(Vector128<ulong>.Zero, aad);
            x = Ghash(x, ciphertext);
            x = GfMul(x ^ lengths, _h1);
        }

        Vector128<byte> s = Ssse3.Shuffle(x.AsByte(), ByteReverse);
        return s ^ _aes!.EncryptVector(AesCtr.CounterBlock(counterBase, 1));
    }

    // Reflected 16-byte blocks of data, the last one zero-padded.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Stage(ReadOnlySpan<byte> data, Span<Vector128<ulong>> staged)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        int full = data.Length / 16;
        for (int i = 0; i < full; i++)
        {
            staged[i] = Reflect(Vector128.LoadUnsafe(ref p, (nuint)(16 * i)));
        }

        if (full * 16 == data.Length)
        {
            return full;
        }

        Span<byte> last = stackalloc byte[16];
        last.Clear();
        data[(full * 16)..].CopyTo(last);
        staged[full] = Reflect(Vector128.Create((ReadOnlySpan<byte>)last));
        return full + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<ulong> GhashStaged(ReadOnlySpan<Vector128<ulong>> b)
    {
        Vector128<ulong> h1 = _h1, h2 = _h2, h3 = _h3, h4 = _h4;
        Vector128<ulong> x = Vector128<ulong>.Zero;
        int i = 0;
        for (; b.Length - i >= 4; i += 4)
        {
            Vector128<ulong> b0 = x ^ b[i], b1 = b[i + 1], b2 = b[i + 2], b3 = b[i + 3];
            x = Reduce(
                Pclmulqdq.CarrylessMultiply(b0, h4, 0x00) ^ Pclmulqdq.CarrylessMultiply(b1, h3, 0x00)
                    ^ Pclmulqdq.CarrylessMultiply(b2, h2, 0x00) ^ Pclmulqdq.CarrylessMultiply(b3, h1, 0x00),
                Pclmulqdq.CarrylessMultiply(b0, h4, 0x10) ^ Pclmulqdq.CarrylessMultiply(b0, h4, 0x01)
                    ^ Pclmulqdq.CarrylessMultiply(b1, h3, 0x10) ^ Pclmulqdq.CarrylessMultiply(b1, h3, 0x01)
                    ^ Pclmulqdq.CarrylessMultiply(b2, h2, 0x10) ^ Pclmulqdq.CarrylessMultiply(b2, h2, 0x01)
                    ^ Pclmulqdq.CarrylessMultiply(b3, h1, 0x10) ^ Pclmulqdq.CarrylessMultiply(b3, h1, 0x01),
                Pclmulqdq.CarrylessMultiply(b0, h4, 0x11) ^ Pclmulqdq.CarrylessMultiply(b1, h3, 0x11)
                    ^ Pclmulqdq.CarrylessMultiply(b2, h2, 0x11) ^ Pclmulqdq.CarrylessMultiply(b3, h1, 0x11));
        }

        int rest = b.Length - i;
        if (rest == 3)
        {
            Vector128<ulong> b0 = x ^ b[i], b1 = b[i + 1], b2 = b[i + 2];
            x = Reduce(
                Pclmulqdq.CarrylessMultiply(b0, h3, 0x00) ^ Pclmulqdq.CarrylessMultiply(b1, h2, 0x00) ^ Pclmulqdq.CarrylessMultiply(b2, h1, 0x00),
                Pclmulqdq.CarrylessMultiply(b0, h3, 0x10) ^ Pclmulqdq.CarrylessMultiply(b0, h3, 0x01)
                    ^ Pclmulqdq.CarrylessMultiply(b1, h2, 0x10) ^ Pclmulqdq.CarrylessMultiply(b1, h2, 0x01)
                    ^ Pclmulqdq.CarrylessMultiply(b2, h1, 0x10) ^ Pclmulqdq.CarrylessMultiply(b2, h1, 0x01),
                Pclmulqdq.CarrylessMultiply(b0, h3, 0x11) ^ Pclmulqdq.CarrylessMultiply(b1, h2, 0x11) ^ Pclmulqdq.CarrylessMultiply(b2, h1, 0x11));
        }
        else if (rest == 2)
        {
            Vector128<ulong> b0 = x ^ b[i], b1 = b[i + 1];
            x = Reduce(
                Pclmulqdq.CarrylessMultiply(b0, h2, 0x00) ^ Pclmulqdq.CarrylessMultiply(b1, h1, 0x00),
                Pclmulqdq.CarrylessMultiply(b0, h2, 0x10) ^ Pclmulqdq.CarrylessMultiply(b0, h2, 0x01)
                    ^ Pclmulqdq.CarrylessMultiply(b1, h1, 0x10) ^ Pclmulqdq.CarrylessMultiply(b1, h1, 0x01),
                Pclmulqdq.CarrylessMultiply(b0, h2, 0x11) ^ Pclmulqdq.CarrylessMultiply(b1, h1, 0x11));
        }
        else if (rest == 1)
        {
            x = GfMul(x ^ b[i], h1);
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<ulong> Ghash(Vector128<ulong> x, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int offset = 0;
        Vector128<ulong> h1 = _h1, h2 = _h2, h3 = _h3, h4 = _h4;
        while (length - offset >= 64)
        {
            ref byte q = ref Unsafe.Add(ref p, offset);
            Vector128<ulong> b0 = x ^ Reflect(Vector128.LoadUnsafe(ref q));
            Vector128<ulong> b1 = Reflect(Vector128.LoadUnsafe(ref q, 16));
            Vector128<ulong> b2 = Reflect(Vector128.LoadUnsafe(ref q, 32));
            Vector128<ulong> b3 = Reflect(Vector128.LoadUnsafe(ref q, 48));

            // Written out rather than through a helper with ref parameters: address-taken
            // vector locals would live on the stack instead of in registers.
            Vector128<ulong> lo = Pclmulqdq.CarrylessMultiply(b0, h4, 0x00) ^ Pclmulqdq.CarrylessMultiply(b1, h3, 0x00)
                ^ Pclmulqdq.CarrylessMultiply(b2, h2, 0x00) ^ Pclmulqdq.CarrylessMultiply(b3, h1, 0x00);
            Vector128<ulong> hi = Pclmulqdq.CarrylessMultiply(b0, h4, 0x11) ^ Pclmulqdq.CarrylessMultiply(b1, h3, 0x11)
                ^ Pclmulqdq.CarrylessMultiply(b2, h2, 0x11) ^ Pclmulqdq.CarrylessMultiply(b3, h1, 0x11);
            Vector128<ulong> mid = Pclmulqdq.CarrylessMultiply(b0, h4, 0x10) ^ Pclmulqdq.CarrylessMultiply(b0, h4, 0x01)
                ^ Pclmulqdq.CarrylessMultiply(b1, h3, 0x10) ^ Pclmulqdq.CarrylessMultiply(b1, h3, 0x01)
                ^ Pclmulqdq.CarrylessMultiply(b2, h2, 0x10) ^ Pclmulqdq.CarrylessMultiply(b2, h2, 0x01)
                ^ Pclmulqdq.CarrylessMultiply(b3, h1, 0x10) ^ Pclmulqdq.CarrylessMultiply(b3, h1, 0x01);
            x = Reduce(lo, mid, hi);
            offset += 64;
        }

        while (length - offset >= 16)
        {
            x = GfMul(x ^ Reflect(Vector128.LoadUnsafe(ref Unsafe.Add(ref p, offset))), h1);
            offset += 16;
        }

        if (offset < length)
        {
            Span<byte> last = stackalloc byte[16];
            last.Clear();
            data[offset..].CopyTo(last);
            x = GfMul(x ^ Reflect(Vector128.Create((ReadOnlySpan<byte>)last)), h1);
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reflect(Vector128<byte> block) => Ssse3.Shuffle(block, ByteReverse).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> GfMul(Vector128<ulong> a, Vector128<ulong> b) =>
        Reduce(
            Pclmulqdq.CarrylessMultiply(a, b, 0x00),
            Pclmulqdq.CarrylessMultiply(a, b, 0x10) ^ Pclmulqdq.CarrylessMultiply(a, b, 0x01),
            Pclmulqdq.CarrylessMultiply(a, b, 0x11));

    // Schoolbook 128x128 carry-less products (lo, mid, hi) are summed unreduced, then one
    // reduction. Reduces the 256-bit product modulo x^128 + x^7 + x^2 + x + 1 in the bit-reflected domain:
    // shift left by one bit (reflection), then fold the low half (Intel's CLMUL/GCM white paper).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reduce(Vector128<ulong> lo, Vector128<ulong> mid, Vector128<ulong> hi)
    {
        Vector128<uint> l = (lo ^ Sse2.ShiftLeftLogical128BitLane(mid, 8)).AsUInt32();
        Vector128<uint> h = (hi ^ Sse2.ShiftRightLogical128BitLane(mid, 8)).AsUInt32();

        Vector128<uint> carryL = Sse2.ShiftRightLogical(l, 31);
        Vector128<uint> carryH = Sse2.ShiftRightLogical(h, 31);
        l = Sse2.ShiftLeftLogical(l, 1);
        h = Sse2.ShiftLeftLogical(h, 1);
        Vector128<uint> crossing = Sse2.ShiftRightLogical128BitLane(carryL, 12);
        h |= Sse2.ShiftLeftLogical128BitLane(carryH, 4) | crossing;
        l |= Sse2.ShiftLeftLogical128BitLane(carryL, 4);

        Vector128<uint> a = Sse2.ShiftLeftLogical(l, 31) ^ Sse2.ShiftLeftLogical(l, 30) ^ Sse2.ShiftLeftLogical(l, 25);
        Vector128<uint> spill = Sse2.ShiftRightLogical128BitLane(a, 4);
        l ^= Sse2.ShiftLeftLogical128BitLane(a, 12);
        Vector128<uint> b = Sse2.ShiftRightLogical(l, 1) ^ Sse2.ShiftRightLogical(l, 2) ^ Sse2.ShiftRightLogical(l, 7) ^ spill;
        return (h ^ l ^ b).AsUInt64();
    }

    /// <summary>Wipes the key schedule and the hash key powers.</summary>
    public void Dispose()
    {
        _aes?.Dispose();
        _bcl?.Dispose();
        _h1 = _h2 = _h3 = _h4 = Vector128<ulong>.Zero;
    }
}
