using System.Globalization;

namespace VoipKit.Signaling.Authentication;

/// <summary>The digest computations of RFC 7616 3.4.1–3.4.3 (the same as RFC 2617 3.2.2 for MD5, and RFC 2069 without qop).</summary>
internal static class SipDigest
{
    /// <summary>The qop value "auth".</summary>
    public const string Auth = "auth";

    /// <summary>The qop value "auth-int".</summary>
    public const string AuthInt = "auth-int";

    /// <summary>HA1 without the session part: H(username ":" realm ":" password).</summary>
    public static string Ha1(SipDigestAlgorithm algorithm, string username, string realm, string password) =>
        SipDigestAlgorithms.Hex(algorithm, username + ":" + realm + ":" + password);

    /// <summary>For a <c>-sess</c> algorithm, H(HA1 ":" nonce ":" cnonce); otherwise HA1 unchanged.</summary>
    public static string SessionHa1(SipDigestAlgorithm algorithm, string ha1, string nonce, string? cnonce) =>
        SipDigestAlgorithms.IsSession(algorithm) ? SipDigestAlgorithms.Hex(algorithm, ha1 + ":" + nonce + ":" + cnonce) : ha1;

    /// <summary>
    /// The request-digest. <paramref name="ha1"/> is HA1 before the session step; <paramref name="qop"/> null means RFC 2069
    /// (no nc and cnonce), "auth-int" hashes the body into HA2.
    /// </summary>
    public static string Response(SipDigestAlgorithm algorithm, string ha1, string nonce, uint nc, string? cnonce, string? qop, string method,
        string uri, ReadOnlySpan<byte> body)
    {
        string a1 = SessionHa1(algorithm, ha1, nonce, cnonce);
        string a2 = string.Equals(qop, AuthInt, StringComparison.OrdinalIgnoreCase)
            ? method + ":" + uri + ":" + SipDigestAlgorithms.Hex(algorithm, body)
            : method + ":" + uri;
        string ha2 = SipDigestAlgorithms.Hex(algorithm, a2);
        return qop is null
            ? SipDigestAlgorithms.Hex(algorithm, a1 + ":" + nonce + ":" + ha2)
            : SipDigestAlgorithms.Hex(algorithm, a1 + ":" + nonce + ":" + FormatNc(nc) + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /// <summary>The nonce count as 8 lowercase hex digits.</summary>
    public static string FormatNc(uint nc) => nc.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>Reads an nc value: exactly 8 hex digits.</summary>
    public static bool TryParseNc(string? text, out uint nc)
    {
        nc = 0;
        return text is { Length: 8 } && uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out nc);
    }
}
