using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// Safety numbers: libsignal's displayable fingerprint, version 0. Both parties compute the same
/// 60 digits from the two identity keys and stable identifiers; users compare them out of band.
/// </summary>
public static class SafetyNumber
{
    /// <summary>The hash iterations libsignal uses for displayable fingerprints.</summary>
    public const int Iterations = 5200;

    /// <summary>The fingerprint format version hashed in front of the key.</summary>
    public const int Version = 0;

    /// <summary>Computes the 60-digit safety number.</summary>
    /// <param name="localStableId">The local user's stable identifier (for example a phone number), UTF-8 encoded.</param>
    /// <param name="localIdentityKey">The local identity key.</param>
    /// <param name="remoteStableId">The remote user's stable identifier.</param>
    /// <param name="remoteIdentityKey">The remote identity key.</param>
    /// <returns>60 digits: the two 30-digit halves, the lexically smaller first.</returns>
    public static string Compute(string localStableId, SignalPublicKey localIdentityKey, string remoteStableId, SignalPublicKey remoteIdentityKey)
    {
        ArgumentNullException.ThrowIfNull(localStableId);
        ArgumentNullException.ThrowIfNull(localIdentityKey);
        ArgumentNullException.ThrowIfNull(remoteStableId);
        ArgumentNullException.ThrowIfNull(remoteIdentityKey);
        string local = Half(localStableId, localIdentityKey, Iterations);
        string remote = Half(remoteStableId, remoteIdentityKey, Iterations);
        return string.CompareOrdinal(local, remote) <= 0 ? local + remote : remote + local;
    }

    /// <summary>One party's 30 digits.</summary>
    internal static string Half(string stableId, SignalPublicKey identityKey, int iterations)
    {
        ReadOnlySpan<byte> key = identityKey.Serialized;
        byte[] id = Encoding.UTF8.GetBytes(stableId);

        // h = SHA-512(version(2) || key || id || key), then h = SHA-512(h || key).
        byte[] first = new byte[2 + key.Length + id.Length + key.Length];
        first[0] = (byte)(Version >> 8);
        first[1] = (byte)Version;
        key.CopyTo(first.AsSpan(2));
        id.CopyTo(first.AsSpan(2 + key.Length));
        key.CopyTo(first.AsSpan(2 + key.Length + id.Length));
        Span<byte> buffer = stackalloc byte[64 + SignalPublicKey.SerializedLength];
        SHA512.HashData(first, buffer);
        key.CopyTo(buffer[64..]);
        for (int i = 1; i < iterations; i++)
        {
            SHA512.HashData(buffer, buffer);
        }

        var digits = new StringBuilder(30);
        for (int chunk = 0; chunk < 6; chunk++)
        {
            ReadOnlySpan<byte> five = buffer.Slice(chunk * 5, 5);
            ulong value = ((ulong)five[0] << 32) | ((ulong)five[1] << 24) | ((ulong)five[2] << 16) | ((ulong)five[3] << 8) | five[4];
            digits.Append((value % 100000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
        }

        return digits.ToString();
    }
}
