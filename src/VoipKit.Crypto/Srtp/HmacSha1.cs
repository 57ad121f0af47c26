using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace VoipKit.Crypto;

/// <summary>
/// HMAC-SHA1 with the inner and outer key blocks hashed once at construction, so a packet
/// costs only its own SHA-1 blocks plus one outer block.
/// </summary>
/// <remarks>
/// Measured here (CPU time) on a 176-byte SRTP packet: the BCL's reused <see cref="IncrementalHash"/>
/// costs about 650 ns (OpenSSL 3's per-call EVP reset dominates), this class's managed SHA-1
/// about 670 ns, and OpenSSL's plain SHA1_Update/SHA1_Final (SHA-NI assembly, no EVP) about
/// 200 ns. So on Linux the SHA-1 blocks go to libcrypto (which the BCL loads anyway); the
/// managed compression is the fallback elsewhere.
/// </remarks>
[SkipLocalsInit]
internal sealed unsafe class HmacSha1 : IDisposable
{
    /// <summary>Length of the full HMAC-SHA1 output.</summary>
    public const int Length = 20;

    private const int BlockLength = 64;

    // OpenSSL's SHA_CTX is 96 bytes; keep room to spare.
    private const int NativeContextLength = 128;

    private readonly uint[] _inner = new uint[5];
    private readonly uint[] _outer = new uint[5];
    private readonly byte[]? _nativeInner;
    private readonly byte[]? _nativeOuter;

    /// <summary>Creates the MAC for <paramref name="key"/>.</summary>
    /// <param name="key">The authentication key.</param>
    /// <param name="allowNative">False forces the managed SHA-1 (tests compare both).</param>
    public HmacSha1(ReadOnlySpan<byte> key, bool allowNative = true)
    {
        // SRTP keys are 20 bytes; longer ones would first be hashed, which SRTP never needs.
        if (key.Length > BlockLength)
        {
            throw new ArgumentException("HMAC key longer than one block.", nameof(key));
        }

        Span<byte> block = stackalloc byte[BlockLength];
        block.Clear();
        key.CopyTo(block);

        for (int i = 0; i < BlockLength; i++)
        {
            block[i] ^= 0x36;
        }

        InitialState(_inner);
        Compress(_inner, block);
        for (int i = 0; i < BlockLength; i++)
        {
            block[i] ^= 0x36 ^ 0x5C;
        }

        InitialState(_outer);
        Compress(_outer, block);

        if (allowNative && NativeSha1.IsAvailable)
        {
            _nativeInner = GC.AllocateArray<byte>(NativeContextLength, pinned: true);
            _nativeOuter = GC.AllocateArray<byte>(NativeContextLength, pinned: true);
            fixed (byte* k = block)
            {
                NativeSha1.Init(NativeContext(_nativeOuter));
                NativeSha1.Update(NativeContext(_nativeOuter), k, BlockLength);
                for (int i = 0; i < BlockLength; i++)
                {
                    block[i] ^= 0x36 ^ 0x5C;
                }

                NativeSha1.Init(NativeContext(_nativeInner));
                NativeSha1.Update(NativeContext(_nativeInner), k, BlockLength);
            }
        }

        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>True when the SHA-1 blocks run in libcrypto.</summary>
    public bool UsesNative => _nativeInner is not null;

    /// <summary>Computes HMAC(data || suffix) into the first 20 bytes of <paramref name="mac"/>.</summary>
    /// <param name="data">The message.</param>
    /// <param name="suffix">Up to 8 more bytes (the SRTP ROC), hashed after <paramref name="data"/>.</param>
    /// <param name="mac">At least 20 bytes.</param>
    public void Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> suffix, Span<byte> mac)
    {
        if (_nativeInner is not null)
        {
            ComputeNative(data, suffix, mac);
            return;
        }

        Span<uint> state = stackalloc uint[5];
        _inner.CopyTo(state);
        long total = BlockLength + data.Length + suffix.Length;

        int full = data.Length & ~(BlockLength - 1);
        for (int offset = 0; offset < full; offset += BlockLength)
        {
            Compress(state, data.Slice(offset, BlockLength));
        }

        // Remainder, suffix, 0x80, zeros, 64-bit length: one or two blocks.
        Span<byte> tail = stackalloc byte[2 * BlockLength];
        tail.Clear();
        int rest = data.Length - full;
        data[full..].CopyTo(tail);
        suffix.CopyTo(tail[rest..]);
        int used = rest + suffix.Length;
        tail[used] = 0x80;
        int tailLength = used + 9 <= BlockLength ? BlockLength : 2 * BlockLength;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - 8)..], (ulong)total * 8);
        Compress(state, tail[..BlockLength]);
        if (tailLength > BlockLength)
        {
            Compress(state, tail[BlockLength..]);
        }

        // Outer hash: opad block (precomputed) || inner digest.
        Span<byte> outer = tail[..BlockLength];
        outer.Clear();
        for (int i = 0; i < 5; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(outer[(4 * i)..], state[i]);
        }

        outer[Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(outer[(BlockLength - 8)..], (BlockLength + Length) * 8);
        _outer.CopyTo(state);
        Compress(state, outer);
        for (int i = 0; i < 5; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(mac[(4 * i)..], state[i]);
        }
    }

    /// <summary>Wipes the keyed states.</summary>
    public void Dispose()
    {
        Array.Clear(_inner);
        Array.Clear(_outer);
        if (_nativeInner is not null)
        {
            CryptographicOperations.ZeroMemory(_nativeInner);
            CryptographicOperations.ZeroMemory(_nativeOuter);
        }
    }

    private static byte* NativeContext(byte[] pinned) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeNative(ReadOnlySpan<byte> data, ReadOnlySpan<byte> suffix, Span<byte> mac)
    {
        byte* ctx = stackalloc byte[NativeContextLength];
        byte* inner = stackalloc byte[Length];
        Unsafe.CopyBlockUnaligned(ctx, NativeContext(_nativeInner!), NativeContextLength);
        fixed (byte* d = data)
        fixed (byte* s = suffix)
        fixed (byte* m = mac)
        {
            NativeSha1.Update(ctx, d, (nuint)data.Length);
            if (suffix.Length > 0)
            {
                NativeSha1.Update(ctx, s, (nuint)suffix.Length);
            }

            NativeSha1.Final(inner, ctx);
            Unsafe.CopyBlockUnaligned(ctx, NativeContext(_nativeOuter!), NativeContextLength);
            NativeSha1.Update(ctx, inner, Length);
            NativeSha1.Final(m, ctx);
        }

        // The working context holds key-dependent state.
        new Span<byte>(ctx, NativeContextLength).Clear();
    }

    private static void InitialState(Span<uint> state)
    {
        state[0] = 0x67452301;
        state[1] = 0xEFCDAB89;
        state[2] = 0x98BADCFE;
        state[3] = 0x10325476;
        state[4] = 0xC3D2E1F0;
    }

    // One SHA-1 compression (FIPS 180-4 6.1.2) with a 16-word rolling message schedule.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * i)..]);
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        int t = 0;
        for (; t < 16; t++)
        {
            uint temp = uint.RotateLeft(a, 5) + (d ^ (b & (c ^ d))) + e + 0x5A827999 + w[t];
            e = d;
            d = c;
            c = uint.RotateLeft(b, 30);
            b = a;
            a = temp;
        }

        for (; t < 20; t++)
        {
            uint temp = uint.RotateLeft(a, 5) + (d ^ (b & (c ^ d))) + e + 0x5A827999 + Schedule(w, t);
            e = d;
            d = c;
            c = uint.RotateLeft(b, 30);
            b = a;
            a = temp;
        }

        for (; t < 40; t++)
        {
            uint temp = uint.RotateLeft(a, 5) + (b ^ c ^ d) + e + 0x6ED9EBA1 + Schedule(w, t);
            e = d;
            d = c;
            c = uint.RotateLeft(b, 30);
            b = a;
            a = temp;
        }

        for (; t < 60; t++)
        {
            uint temp = uint.RotateLeft(a, 5) + ((b & c) | (d & (b | c))) + e + 0x8F1BBCDC + Schedule(w, t);
            e = d;
            d = c;
            c = uint.RotateLeft(b, 30);
            b = a;
            a = temp;
        }

        for (; t < 80; t++)
        {
            uint temp = uint.RotateLeft(a, 5) + (b ^ c ^ d) + e + 0xCA62C1D6 + Schedule(w, t);
            e = d;
            d = c;
            c = uint.RotateLeft(b, 30);
            b = a;
            a = temp;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Schedule(Span<uint> w, int t)
    {
        uint x = uint.RotateLeft(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
        w[t & 15] = x;
        return x;
    }
}
