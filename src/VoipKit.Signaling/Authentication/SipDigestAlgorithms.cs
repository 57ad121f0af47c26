using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Signaling.Authentication;

/// <summary>Wire names of <see cref="SipDigestAlgorithm"/>, their strength order, and the H() function of RFC 7616 3.4.</summary>
public static class SipDigestAlgorithms
{
    /// <summary>The name as written in the <c>algorithm</c> parameter, such as <c>SHA-256-sess</c>.</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns>The name.</returns>
    public static string GetName(SipDigestAlgorithm algorithm) => algorithm switch
    {
        SipDigestAlgorithm.Md5 => "MD5",
        SipDigestAlgorithm.Md5Sess => "MD5-sess",
        SipDigestAlgorithm.Sha256 => "SHA-256",
        SipDigestAlgorithm.Sha256Sess => "SHA-256-sess",
        SipDigestAlgorithm.Sha512_256 => "SHA-512-256",
        SipDigestAlgorithm.Sha512_256Sess => "SHA-512-256-sess",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Reads an <c>algorithm</c> parameter value (case-insensitive, RFC 7616 3.3).</summary>
    /// <param name="name">The value.</param>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns>False for a name this library does not support.</returns>
    public static bool TryParse(ReadOnlySpan<char> name, out SipDigestAlgorithm algorithm)
    {
        foreach (SipDigestAlgorithm a in Enum.GetValues<SipDigestAlgorithm>())
        {
            if (name.Equals(GetName(a), StringComparison.OrdinalIgnoreCase))
            {
                algorithm = a;
                return true;
            }
        }

        algorithm = default;
        return false;
    }

    /// <summary>Whether the algorithm is a <c>-sess</c> variant.</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns>True for the session variants.</returns>
    public static bool IsSession(SipDigestAlgorithm algorithm) =>
        algorithm is SipDigestAlgorithm.Md5Sess or SipDigestAlgorithm.Sha256Sess or SipDigestAlgorithm.Sha512_256Sess;

    /// <summary>Length of the hex digest: 32 for MD5, 64 for the SHA-2 variants.</summary>
    internal static int HexLength(SipDigestAlgorithm algorithm) => algorithm is SipDigestAlgorithm.Md5 or SipDigestAlgorithm.Md5Sess ? 32 : 64;

    /// <summary>H(data) of RFC 7616 3.4: the digest of the UTF-8 bytes, as lowercase hex.</summary>
    internal static string Hex(SipDigestAlgorithm algorithm, string data) => Hex(algorithm, Encoding.UTF8.GetBytes(data));

    /// <summary>H(data) of raw bytes (the body for auth-int), as lowercase hex.</summary>
    [SuppressMessage("Security", "CA5351:Do not use broken cryptographic algorithms", Justification = "RFC 2617/8760 digest MD5 is interoperability, used only when the server offers it.")]
    internal static string Hex(SipDigestAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        int length;
        switch (algorithm)
        {
            case SipDigestAlgorithm.Md5:
            case SipDigestAlgorithm.Md5Sess:
                length = MD5.HashData(data, hash);
                break;
            case SipDigestAlgorithm.Sha256:
            case SipDigestAlgorithm.Sha256Sess:
                length = SHA256.HashData(data, hash);
                break;
            case SipDigestAlgorithm.Sha512_256:
            case SipDigestAlgorithm.Sha512_256Sess:
                Sha512_256.HashData(data, hash);
                length = Sha512_256.HashSize;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }

        return Convert.ToHexStringLower(hash[..length]);
    }
}
