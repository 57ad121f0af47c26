using System.Diagnostics.CodeAnalysis;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Authentication;

/// <summary>The directives of a Digest Authorization or Proxy-Authorization value (RFC 7616 3.4), as the server reads them.</summary>
internal sealed class SipDigestCredentialFields
{
    private static readonly HashSet<string> s_directives = new(StringComparer.OrdinalIgnoreCase)
    {
        "username", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc", "userhash",
    };

    public required string Username { get; init; }

    public required string Realm { get; init; }

    public required string Nonce { get; init; }

    public required string Uri { get; init; }

    public required string Response { get; init; }

    public required string AlgorithmName { get; init; }

    public string? Cnonce { get; init; }

    public string? Opaque { get; init; }

    public string? Qop { get; init; }

    public uint Nc { get; init; }

    /// <summary>Reads the directives; false when the scheme is not Digest, a required one is missing or repeated, or qop/nc/cnonce disagree.</summary>
    public static bool TryParse(SipAuthValue value, [NotNullWhen(true)] out SipDigestCredentialFields? fields)
    {
        fields = null;
        if (!string.Equals(value.Scheme, "Digest", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (SipAuthParameter p in value.Parameters)
        {
            if (s_directives.Contains(p.Name) && !d.TryAdd(p.Name, p.Value))
            {
                return false;
            }
        }

        if (!d.TryGetValue("username", out string? username) || !d.TryGetValue("realm", out string? realm) || !d.TryGetValue("nonce", out string? nonce)
            || !d.TryGetValue("uri", out string? uri) || !d.TryGetValue("response", out string? response) || nonce.Length == 0)
        {
            return false;
        }

        string? qop = d.GetValueOrDefault("qop");
        string? cnonce = d.GetValueOrDefault("cnonce");
        uint nc = 0;
        if (qop is not null)
        {
            // With qop, nc and cnonce are mandatory (RFC 7616 3.4); without it they must not be used.
            if (string.IsNullOrEmpty(cnonce) || !SipDigest.TryParseNc(d.GetValueOrDefault("nc"), out nc))
            {
                return false;
            }
        }
        else if (cnonce is not null || d.ContainsKey("nc"))
        {
            return false;
        }

        fields = new SipDigestCredentialFields
        {
            Username = username,
            Realm = realm,
            Nonce = nonce,
            Uri = uri,
            Response = response,
            AlgorithmName = d.GetValueOrDefault("algorithm") ?? "MD5",
            Cnonce = cnonce,
            Opaque = d.GetValueOrDefault("opaque"),
            Qop = qop,
            Nc = nc,
        };
        return true;
    }
}
