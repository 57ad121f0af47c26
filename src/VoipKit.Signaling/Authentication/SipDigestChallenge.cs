using System.Diagnostics.CodeAnalysis;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Authentication;

/// <summary>
/// A Digest challenge from a WWW-Authenticate or Proxy-Authenticate field (RFC 3261 22, RFC 7616 3.3, RFC 8760).
/// A challenge with an algorithm this library does not know still parses (so the client can skip it and take the next
/// one, RFC 8760 2.4); <see cref="Algorithm"/> is then null. Immutable.
/// </summary>
public sealed class SipDigestChallenge
{
    private static readonly HashSet<string> s_directives = new(StringComparer.OrdinalIgnoreCase)
    {
        "realm", "nonce", "algorithm", "opaque", "domain", "charset", "qop", "stale", "userhash",
    };

    /// <summary>Creates a challenge (the server side).</summary>
    /// <param name="realm">The realm.</param>
    /// <param name="nonce">The nonce.</param>
    /// <param name="algorithm">The algorithm.</param>
    /// <param name="qop">The qop options (<c>auth</c>, <c>auth-int</c>); null for <c>auth</c> alone, empty for an RFC 2069 challenge.</param>
    /// <param name="opaque">The opaque value, or null.</param>
    /// <param name="stale">Whether the previous nonce was stale but the credentials were right.</param>
    /// <param name="domain">The domain parameter (space-separated URIs), or null.</param>
    /// <param name="userHash">The RFC 7616 userhash flag.</param>
    /// <param name="charset">The charset parameter (only <c>UTF-8</c> is defined), or null.</param>
    public SipDigestChallenge(string realm, string nonce, SipDigestAlgorithm algorithm = SipDigestAlgorithm.Sha256, IReadOnlyList<string>? qop = null,
        string? opaque = null, bool stale = false, string? domain = null, bool userHash = false, string? charset = null)
        : this(realm, nonce, algorithm, SipDigestAlgorithms.GetName(algorithm), qop ?? ["auth"], opaque, stale, domain, userHash, charset)
    {
        ArgumentException.ThrowIfNullOrEmpty(realm);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
    }

    private SipDigestChallenge(string realm, string nonce, SipDigestAlgorithm? algorithm, string algorithmName, IReadOnlyList<string> qop,
        string? opaque, bool stale, string? domain, bool userHash, string? charset)
    {
        Realm = realm;
        Nonce = nonce;
        Algorithm = algorithm;
        AlgorithmName = algorithmName;
        Qop = qop;
        Opaque = opaque;
        Stale = stale;
        Domain = domain;
        UserHash = userHash;
        Charset = charset;
    }

    /// <summary>The realm.</summary>
    public string Realm { get; }

    /// <summary>The nonce.</summary>
    public string Nonce { get; }

    /// <summary>The algorithm, or null when the challenge names one this library does not support.</summary>
    public SipDigestAlgorithm? Algorithm { get; }

    /// <summary>The algorithm name as written (<c>MD5</c> when the challenge named none).</summary>
    public string AlgorithmName { get; }

    /// <summary>Whether <see cref="Algorithm"/> is known, so the challenge can be answered.</summary>
    [MemberNotNullWhen(true, nameof(Algorithm))]
    public bool IsSupported => Algorithm is not null;

    /// <summary>The qop options in order (empty: RFC 2069 compatibility, no qop).</summary>
    public IReadOnlyList<string> Qop { get; }

    /// <summary>The opaque value to echo, or null.</summary>
    public string? Opaque { get; }

    /// <summary>True when the server says the nonce was stale (retry with the new one, the password was right).</summary>
    public bool Stale { get; }

    /// <summary>The domain parameter, or null.</summary>
    public string? Domain { get; }

    /// <summary>The RFC 7616 userhash flag (recorded; usernames are sent in clear).</summary>
    public bool UserHash { get; }

    /// <summary>The charset parameter, or null.</summary>
    public string? Charset { get; }

    /// <summary>Reads a Digest challenge.</summary>
    /// <param name="value">A WWW-Authenticate or Proxy-Authenticate value.</param>
    /// <param name="challenge">The challenge, possibly with an unsupported algorithm (see <see cref="IsSupported"/>).</param>
    /// <returns>False when the scheme is not Digest, realm or nonce is missing, or a directive is repeated or malformed.</returns>
    public static bool TryParse(SipAuthValue value, [NotNullWhen(true)] out SipDigestChallenge? challenge)
    {
        ArgumentNullException.ThrowIfNull(value);
        challenge = null;
        if (!string.Equals(value.Scheme, "Digest", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var directives = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (SipAuthParameter p in value.Parameters)
        {
            // Unknown auth-params are extensions and ignored (RFC 7616 3.3); a repeated known directive is malformed.
            if (s_directives.Contains(p.Name) && !directives.TryAdd(p.Name, p.Value))
            {
                return false;
            }
        }

        string? realm = directives.GetValueOrDefault("realm");
        string? nonce = directives.GetValueOrDefault("nonce");
        string? qopText = directives.GetValueOrDefault("qop");
        string? algorithmName = directives.GetValueOrDefault("algorithm");
        if (string.IsNullOrEmpty(realm) || string.IsNullOrEmpty(nonce))
        {
            return false;
        }

        var qop = new List<string>();
        if (qopText is not null)
        {
            foreach (string option in qopText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                qop.Add(option);
            }

            if (qop.Count == 0)
            {
                return false;
            }
        }

        SipDigestAlgorithm? algorithm = SipDigestAlgorithm.Md5;
        if (algorithmName is not null)
        {
            algorithm = SipDigestAlgorithms.TryParse(algorithmName, out SipDigestAlgorithm a) ? a : null;
        }

        challenge = new SipDigestChallenge(realm, nonce, algorithm, algorithmName ?? "MD5", qop, directives.GetValueOrDefault("opaque"),
            IsTrue(directives.GetValueOrDefault("stale")), directives.GetValueOrDefault("domain"), IsTrue(directives.GetValueOrDefault("userhash")),
            directives.GetValueOrDefault("charset"));
        return true;
    }

    /// <summary>Whether the qop options include the given one (case-insensitive).</summary>
    /// <param name="option">Such as <c>auth</c>.</param>
    /// <returns>True when offered.</returns>
    public bool OffersQop(string option)
    {
        foreach (string q in Qop)
        {
            if (string.Equals(q, option, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The challenge as a header value.</summary>
    /// <returns>The value: <c>Digest realm="...", nonce="...", algorithm=..., qop="auth"</c>...</returns>
    public SipAuthValue ToAuthValue()
    {
        var list = new List<SipAuthParameter>
        {
            new("realm", Realm, true),
        };
        if (Domain is not null)
        {
            list.Add(new("domain", Domain, true));
        }

        list.Add(new("nonce", Nonce, true));
        if (Opaque is not null)
        {
            list.Add(new("opaque", Opaque, true));
        }

        if (Stale)
        {
            list.Add(new("stale", "true", false));
        }

        list.Add(new("algorithm", AlgorithmName, false));
        if (Qop.Count > 0)
        {
            list.Add(new("qop", string.Join(',', Qop), true));
        }

        if (Charset is not null)
        {
            list.Add(new("charset", Charset, false));
        }

        if (UserHash)
        {
            list.Add(new("userhash", "true", false));
        }

        return new SipAuthValue("Digest", list);
    }

    /// <summary>The challenge as header value text.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => ToAuthValue().ToString();

    private static bool IsTrue(string? text) => string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
}
