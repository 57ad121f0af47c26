namespace VoipKit.Signaling.Authentication;

/// <summary>
/// What the server knows about a user's password: the password itself, or HA1 = H(username ":" realm ":" password)
/// for one hash function (so a user database need not hold passwords). <see cref="ToString"/> never shows either.
/// </summary>
public sealed class SipDigestSecret
{
    private readonly string? _password;
    private readonly SipDigestAlgorithm _ha1Algorithm;
    private readonly string? _ha1;

    private SipDigestSecret(string? password, SipDigestAlgorithm ha1Algorithm, string? ha1)
    {
        _password = password;
        _ha1Algorithm = ha1Algorithm;
        _ha1 = ha1;
    }

    /// <summary>A secret from the password: any algorithm can be verified.</summary>
    /// <param name="password">The password.</param>
    /// <returns>The secret.</returns>
    public static SipDigestSecret FromPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return new SipDigestSecret(password, default, null);
    }

    /// <summary>A secret from a stored HA1: only that hash function (with or without <c>-sess</c>) can be verified.</summary>
    /// <param name="algorithm">The algorithm HA1 was computed with (<c>Md5</c> and <c>Md5Sess</c> share HA1, and so on).</param>
    /// <param name="ha1">HA1 as hex.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="ArgumentException">The hex has the wrong length for the algorithm.</exception>
    public static SipDigestSecret FromHa1(SipDigestAlgorithm algorithm, string ha1)
    {
        ArgumentNullException.ThrowIfNull(ha1);
        if (ha1.Length != SipDigestAlgorithms.HexLength(algorithm) || !ha1.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("HA1 must be the algorithm's digest in hex.", nameof(ha1));
        }

        return new SipDigestSecret(null, algorithm, ha1.ToLowerInvariant());
    }

    /// <summary>Hides the secret.</summary>
    /// <returns>A fixed text.</returns>
    public override string ToString() => _password is null ? "SipDigestSecret(HA1 ***)" : "SipDigestSecret(password ***)";

    /// <summary>HA1 (before the -sess step) for the algorithm, or null when this secret cannot produce it.</summary>
    internal string? Ha1(SipDigestAlgorithm algorithm, string username, string realm)
    {
        if (_password is not null)
        {
            return SipDigest.Ha1(algorithm, username, realm, _password);
        }

        return Base(algorithm) == Base(_ha1Algorithm) ? _ha1 : null;
    }

    private static SipDigestAlgorithm Base(SipDigestAlgorithm a) => a switch
    {
        SipDigestAlgorithm.Md5Sess => SipDigestAlgorithm.Md5,
        SipDigestAlgorithm.Sha256Sess => SipDigestAlgorithm.Sha256,
        SipDigestAlgorithm.Sha512_256Sess => SipDigestAlgorithm.Sha512_256,
        _ => a,
    };
}
