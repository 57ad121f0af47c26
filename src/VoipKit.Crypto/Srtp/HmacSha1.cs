using System.Security.Cryptography;

namespace VoipKit.Crypto;

/// <summary>
/// HMAC-SHA1 keyed once and reused for every packet: <see cref="IncrementalHash"/> resets to the
/// keyed state after each hash, so no per-packet re-keying and no allocation.
/// </summary>
internal sealed class HmacSha1 : IDisposable
{
    /// <summary>Length of the full HMAC-SHA1 output.</summary>
    public const int Length = 20;

    private readonly IncrementalHash _hash;

    public HmacSha1(ReadOnlySpan<byte> key)
    {
        byte[] copy = key.ToArray();
        _hash = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, copy);
        CryptographicOperations.ZeroMemory(copy);
    }

    /// <summary>Computes HMAC(data || suffix) into the first 20 bytes of <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> suffix, Span<byte> mac)
    {
        _hash.AppendData(data);
        if (!suffix.IsEmpty)
        {
            _hash.AppendData(suffix);
        }

        _hash.GetHashAndReset(mac);
    }

    public void Dispose() => _hash.Dispose();
}
