using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace VoipKit.Transport.Stun;

/// <summary>
/// A MESSAGE-INTEGRITY key prepared once for many messages (an ICE pair's checks, a TURN allocation's
/// requests): the HMAC-SHA1 inner and outer states after the padded key are kept, so each MAC costs three
/// SHA-1 blocks for a typical message instead of a one-shot HMAC's setup. Dispose wipes the states.
/// </summary>
internal sealed class StunHmacSha1Key : IDisposable
{
    private const int BlockLength = 64;

    // Inner state in [0..5), outer in [5..10).
    private readonly uint[] _states = new uint[10];
    private bool _disposed;

    /// <summary>Prepares <paramref name="key"/> (the short- or long-term key bytes).</summary>
    public StunHmacSha1Key(ReadOnlySpan<byte> key)
    {
        Span<byte> block = stackalloc byte[BlockLength];
        block.Clear();
        if (key.Length > BlockLength)
        {
#pragma warning disable CA5350 // HMAC-SHA1 hashes keys longer than its block with SHA-1 (RFC 2104); MESSAGE-INTEGRITY is HMAC-SHA1.
            SHA1.HashData(key, block);
#pragma warning restore CA5350
        }
        else
        {
            key.CopyTo(block);
        }

        for (int i = 0; i < BlockLength; i++)
        {
            block[i] ^= 0x36;
        }

        Sha1Compression.Initialize(_states.AsSpan(0, 5));
        Sha1Compression.Compress(_states.AsSpan(0, 5), block);
        for (int i = 0; i < BlockLength; i++)
        {
            block[i] ^= 0x36 ^ 0x5C;
        }

        Sha1Compression.Initialize(_states.AsSpan(5, 5));
        Sha1Compression.Compress(_states.AsSpan(5, 5), block);
        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>Computes HMAC-SHA1(key, <paramref name="data"/>) into the first 20 bytes of <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<uint> state = stackalloc uint[5];
        Span<byte> inner = stackalloc byte[20];
        _states.AsSpan(0, 5).CopyTo(state);
        Sha1Compression.Finish(state, data, BlockLength, inner);
        _states.AsSpan(5, 5).CopyTo(state);
        Sha1Compression.Finish(state, inner, BlockLength, mac);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(state));
    }

    /// <summary>Wipes the key states.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_states.AsSpan()));
    }
}
