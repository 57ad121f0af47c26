using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace VoipKit.Crypto;

/// <summary>
/// AES block encryption and counter-mode keystream for SRTP. Uses AES-NI directly when the CPU
/// has it: the BCL's per-call cost through OpenSSL is several hundred nanoseconds, more than
/// the whole 10-block keystream of a voice packet. Falls back to the BCL's AES-ECB otherwise.
/// </summary>
[SkipLocalsInit]
internal sealed class AesCtr : IDisposable
{
    // Blocks per BCL call on the fallback path (one stack buffer).
    private const int FallbackChunkBlocks = 16;

    private readonly Vector128<byte>[]? _roundKeys;
    private readonly int _rounds;
    private readonly System.Security.Cryptography.Aes? _bcl;

    // Fallback path: one ECB transform and buffers reused for every call (EncryptEcb allocates).
    private readonly ICryptoTransform? _ecb;
    private readonly byte[]? _counters;
    private readonly byte[]? _keystream;

    /// <summary>Creates the cipher for a 16- or 32-byte key.</summary>
    /// <param name="key">The AES key.</param>
    /// <param name="allowIntrinsics">False forces the BCL path (tests and benchmarks compare both).</param>
    public AesCtr(ReadOnlySpan<byte> key, bool allowIntrinsics = true)
    {
        if (key.Length is not (16 or 32))
        {
            throw new ArgumentException("AES key must be 16 or 32 bytes.", nameof(key));
        }

        _rounds = key.Length == 16 ? 10 : 14;
        if (allowIntrinsics && IsAccelerated)
        {
            _roundKeys = ExpandKey(key, _rounds);
        }
        else
        {
            _bcl = System.Security.Cryptography.Aes.Create();
            byte[] copy = key.ToArray();
            _bcl.Key = copy;
            CryptographicOperations.ZeroMemory(copy);
            _bcl.Mode = CipherMode.ECB;
            _bcl.Padding = PaddingMode.None;
            _ecb = _bcl.CreateEncryptor();
            _counters = new byte[FallbackChunkBlocks * 16];
            _keystream = new byte[FallbackChunkBlocks * 16];
        }
    }

    /// <summary>True when AES-NI (and SSSE3 for byte shuffles) is available.</summary>
    public static bool IsAccelerated => AesNi.IsSupported && Ssse3.IsSupported;

    /// <summary>True when this instance uses AES-NI.</summary>
    public bool UsesIntrinsics => _roundKeys is not null;

    /// <summary>Encrypts one 16-byte block.</summary>
    public void EncryptBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (_roundKeys is not null)
        {
            EncryptVector(Vector128.Create(input[..16])).CopyTo(output);
        }
        else
        {
            input[..16].CopyTo(_counters);
            _ecb!.TransformBlock(_counters!, 0, 16, _keystream!, 0);
            _keystream.AsSpan(0, 16).CopyTo(output);
        }
    }

    /// <summary>
    /// XORs <paramref name="data"/> with the keystream E(counterBase | n), E(counterBase | n + 1), ...
    /// where the counter n is ORed, big-endian, into the last four bytes of the block.
    /// </summary>
    /// <param name="counterBase">16 bytes; the bits the counter reaches must be zero.</param>
    /// <param name="firstCounter">The counter of the first block.</param>
    /// <param name="data">Data encrypted or decrypted in place.</param>
    public void XorKeystream(ReadOnlySpan<byte> counterBase, uint firstCounter, Span<byte> data)
    {
        if (_roundKeys is not null)
        {
            XorKeystreamAesNi(Vector128.Create(counterBase[..16]), firstCounter, data);
        }
        else
        {
            XorKeystreamBcl(counterBase, firstCounter, data);
        }
    }

    /// <summary>Encrypts one block held in a vector (AES-NI path only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Vector128<byte> EncryptVector(Vector128<byte> block)
    {
        // Loop bounds from the span itself let the JIT drop the bounds checks.
        ReadOnlySpan<Vector128<byte>> rk = _roundKeys;
        Vector128<byte> s = block ^ rk[0];
        int last = rk.Length - 1;
        for (int r = 1; r < last; r++)
        {
            s = AesNi.Encrypt(s, rk[r]);
        }

        return AesNi.EncryptLast(s, rk[last]);
    }

    /// <summary>The counter block for counter value <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> CounterBlock(Vector128<byte> counterBase, uint n) =>
        counterBase | Vector128.Create(0u, 0u, 0u, BinaryPrimitives.ReverseEndianness(n)).AsByte();

    /// <summary>Counter-mode XOR with the counter base held in a vector (AES-NI path only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void XorKeystreamAesNi(Vector128<byte> counterBase, uint counter, Span<byte> data)
    {
        ReadOnlySpan<Vector128<byte>> rk = _roundKeys;
        int rounds = rk.Length - 1;
        ref byte p = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int offset = 0;

        // Four blocks at a time: AESENC has a latency of several cycles but a throughput of
        // one or two per cycle, so interleaving independent blocks keeps the unit busy.
        while (length - offset >= 64)
        {
            Vector128<byte> k0 = rk[0];
            Vector128<byte> b0 = CounterBlock(counterBase, counter) ^ k0;
            Vector128<byte> b1 = CounterBlock(counterBase, counter + 1) ^ k0;
            Vector128<byte> b2 = CounterBlock(counterBase, counter + 2) ^ k0;
            Vector128<byte> b3 = CounterBlock(counterBase, counter + 3) ^ k0;
            for (int r = 1; r < rounds; r++)
            {
                Vector128<byte> k = rk[r];
                b0 = AesNi.Encrypt(b0, k);
                b1 = AesNi.Encrypt(b1, k);
                b2 = AesNi.Encrypt(b2, k);
                b3 = AesNi.Encrypt(b3, k);
            }

            Vector128<byte> kl = rk[rounds];
            ref byte q = ref Unsafe.Add(ref p, offset);
            (AesNi.EncryptLast(b0, kl) ^ Vector128.LoadUnsafe(ref q)).StoreUnsafe(ref q);
            (AesNi.EncryptLast(b1, kl) ^ Vector128.LoadUnsafe(ref q, 16)).StoreUnsafe(ref q, 16);
            (AesNi.EncryptLast(b2, kl) ^ Vector128.LoadUnsafe(ref q, 32)).StoreUnsafe(ref q, 32);
            (AesNi.EncryptLast(b3, kl) ^ Vector128.LoadUnsafe(ref q, 48)).StoreUnsafe(ref q, 48);
            counter += 4;
            offset += 64;
        }

        while (length - offset >= 16)
        {
            ref byte q = ref Unsafe.Add(ref p, offset);
            (EncryptVector(CounterBlock(counterBase, counter)) ^ Vector128.LoadUnsafe(ref q)).StoreUnsafe(ref q);
            counter++;
            offset += 16;
        }

        if (offset < length)
        {
            Span<byte> ks = stackalloc byte[16];
            EncryptVector(CounterBlock(counterBase, counter)).CopyTo(ks);
            for (int i = 0; offset < length; i++, offset++)
            {
                Unsafe.Add(ref p, offset) ^= ks[i];
            }
        }
    }

    private void XorKeystreamBcl(ReadOnlySpan<byte> counterBase, uint counter, Span<byte> data)
    {
        byte[] counters = _counters!;
        byte[] keystream = _keystream!;
        while (!data.IsEmpty)
        {
            int blocks = Math.Min(FallbackChunkBlocks, (data.Length + 15) / 16);
            for (int b = 0; b < blocks; b++)
            {
                Span<byte> block = counters.AsSpan(b * 16, 16);
                counterBase[..16].CopyTo(block);
                BinaryPrimitives.WriteUInt32BigEndian(block[12..], BinaryPrimitives.ReadUInt32BigEndian(counterBase[12..]) | counter++);
            }

            int bytes = Math.Min(blocks * 16, data.Length);
            _ecb!.TransformBlock(counters, 0, blocks * 16, keystream, 0);
            for (int i = 0; i < bytes; i++)
            {
                data[i] ^= keystream[i];
            }

            data = data[bytes..];
        }

        CryptographicOperations.ZeroMemory(keystream);
    }

    /// <summary>FIPS-197 key expansion; SubWord comes from AESKEYGENASSIST.</summary>
    private static Vector128<byte>[] ExpandKey(ReadOnlySpan<byte> key, int rounds)
    {
        int nk = key.Length / 4;
        int words = 4 * (rounds + 1);
        Span<uint> w = stackalloc uint[60];
        for (int i = 0; i < nk; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(4 * i)..]);
        }

        uint rcon = 1;
        for (int i = nk; i < words; i++)
        {
            uint t = w[i - 1];
            if (i % nk == 0)
            {
                // Words hold bytes little-endian, so RotWord is a right rotation by 8 bits.
                t = SubWord(uint.RotateRight(t, 8)) ^ rcon;
                rcon = (rcon << 1) ^ ((rcon >> 7) * 0x11b);
            }
            else if (nk > 6 && i % nk == 4)
            {
                t = SubWord(t);
            }

            w[i] = w[i - nk] ^ t;
        }

        var roundKeys = new Vector128<byte>[rounds + 1];
        for (int r = 0; r <= rounds; r++)
        {
            roundKeys[r] = Vector128.Create(w[4 * r], w[(4 * r) + 1], w[(4 * r) + 2], w[(4 * r) + 3]).AsByte();
        }

        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(w));
        return roundKeys;
    }

    // AESKEYGENASSIST puts SubWord(lane 1) in lane 0 when the round constant is 0.
    private static uint SubWord(uint x) =>
        AesNi.KeygenAssist(Vector128.Create(0u, x, 0u, 0u).AsByte(), 0).AsUInt32().GetElement(0);

    /// <summary>Wipes the key schedule.</summary>
    public void Dispose()
    {
        if (_roundKeys is not null)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_roundKeys.AsSpan()));
        }

        if (_keystream is not null)
        {
            CryptographicOperations.ZeroMemory(_keystream);
        }

        _ecb?.Dispose();
        _bcl?.Dispose();
    }
}
