using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace VoipKit.Signaling.Messages;

/// <summary>
/// A URI as SIP carries it (RFC 3261 section 19.1). <c>sip:</c> and <c>sips:</c> URIs are parsed into user, password,
/// host, port, parameters and headers, kept %-escaped exactly as written so that serializing gives back the same text;
/// any other scheme (<c>tel:</c>, <c>urn:</c>...) is kept opaque. Immutable.
/// </summary>
public sealed class SipUri : IEquatable<SipUri>
{
    private static readonly SipParameter[] s_none = [];

    // The URI's text, kept from parsing or built once: the object is immutable, so serializing never allocates twice.
    private string? _text;

    private SipUri(string scheme, string? user, string? password, string host, int? port, IReadOnlyList<SipParameter> parameters, IReadOnlyList<SipParameter> headers, string? opaque)
    {
        Scheme = scheme;
        User = user;
        Password = password;
        Host = host;
        Port = port;
        Parameters = parameters;
        Headers = headers;
        Opaque = opaque;
    }

    /// <summary>The scheme as written, such as <c>sip</c>, <c>sips</c> or <c>tel</c> (compare case-insensitively).</summary>
    public string Scheme { get; }

    /// <summary>True for <c>sip:</c> and <c>sips:</c> URIs, which have the structured parts below.</summary>
    public bool IsSip => Opaque is null;

    /// <summary>The user part, still %-escaped; null when the URI has none. See <see cref="UnescapedUser"/>.</summary>
    public string? User { get; }

    /// <summary>The password part, still %-escaped, or null.</summary>
    public string? Password { get; }

    /// <summary>The host: a name, an IPv4 address or a bracketed IPv6 reference. Empty for opaque URIs.</summary>
    public string Host { get; }

    /// <summary>The port, or null when absent.</summary>
    public int? Port { get; }

    /// <summary>The URI parameters (<c>;transport=tcp;lr</c>, RFC 8599 <c>pn-provider</c>...), in order, still %-escaped.</summary>
    public IReadOnlyList<SipParameter> Parameters { get; }

    /// <summary>The URI headers (<c>?Subject=x&amp;Route=...</c>), in order, still %-escaped.</summary>
    public IReadOnlyList<SipParameter> Headers { get; }

    /// <summary>For schemes other than sip/sips: everything after the <c>scheme:</c> prefix; otherwise null.</summary>
    public string? Opaque { get; }

    /// <summary>The user part with %-escapes decoded (as UTF-8), or null.</summary>
    public string? UnescapedUser => User is null ? null : SipGrammar.Unescape(User);

    /// <summary>The transport parameter, or null.</summary>
    public string? Transport => GetParameter("transport");

    /// <summary>Creates a sip: or sips: URI, %-escaping the user part as needed.</summary>
    /// <param name="host">Host name, IPv4 address or bracketed IPv6 reference.</param>
    /// <param name="user">The user (unescaped text), or null.</param>
    /// <param name="port">The port, or null.</param>
    /// <param name="parameters">URI parameters, already in valid (escaped) form.</param>
    /// <param name="secure">True for a sips: URI.</param>
    /// <returns>The URI.</returns>
    /// <exception cref="ArgumentException">The host, port or a parameter is not valid.</exception>
    public static SipUri Create(string host, string? user = null, int? port = null, IEnumerable<SipParameter>? parameters = null, bool secure = false)
    {
        ArgumentNullException.ThrowIfNull(host);
        string? escapedUser = user is null ? null : SipGrammar.Escape(user, SipGrammar.IsUserChar);
        var sb = new StringBuilder(secure ? "sips:" : "sip:");
        if (escapedUser is not null)
        {
            sb.Append(escapedUser).Append('@');
        }

        sb.Append(host);
        if (port is not null)
        {
            sb.Append(':').Append(port.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (parameters is not null)
        {
            SipParameters.Append(sb, [.. parameters], ';');
        }

        return TryParse(sb.ToString().AsSpan(), out SipUri? uri) ? uri : throw new ArgumentException("The parts do not make a valid SIP URI.", nameof(host));
    }

    /// <summary>Parses a URI.</summary>
    /// <param name="text">The URI text, without angle brackets.</param>
    /// <returns>The URI.</returns>
    /// <exception cref="SipParseException">The text is not a valid URI.</exception>
    public static SipUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out SipUri? uri) ? uri : throw new SipParseException(SipParseError.BadUri, $"'{text}' is not a valid SIP URI.");
    }

    /// <summary>Tries to parse a URI, keeping <paramref name="text"/> as its serialized form.</summary>
    internal static bool TryParse(string text, [NotNullWhen(true)] out SipUri? uri)
    {
        if (!TryParse(text.AsSpan(), out uri))
        {
            return false;
        }

        uri._text = text;
        return true;
    }

    /// <summary>Tries to parse a URI.</summary>
    /// <param name="text">The URI text, without angle brackets.</param>
    /// <param name="uri">The URI, or null.</param>
    /// <returns>False when the text is not a valid URI.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        int colon = text.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        ReadOnlySpan<char> scheme = text[..colon];
        foreach (char c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.')
            {
                return false;
            }
        }

        ReadOnlySpan<char> rest = text[(colon + 1)..];
        if (!scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            // Opaque: anything printable without whitespace, quotes or angle brackets.
            if (rest.IsEmpty)
            {
                return false;
            }

            foreach (char c in rest)
            {
                if (c <= ' ' || c >= 0x7f || c is '<' or '>' or '"')
                {
                    return false;
                }
            }

            uri = new SipUri(SipGrammar.Intern(scheme), null, null, string.Empty, null, s_none, s_none, rest.ToString());
            return true;
        }

        // '@' can appear only as the userinfo delimiter: it is not allowed unescaped in parameters or headers.
        string? user = null;
        string? password = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            ReadOnlySpan<char> userInfo = rest[..at];
            int pc = userInfo.IndexOf(':');
            ReadOnlySpan<char> u = pc < 0 ? userInfo : userInfo[..pc];
            if (u.IsEmpty || !SipGrammar.IsEscapedText(u, SipGrammar.UserChars))
            {
                return false;
            }

            user = u.ToString();
            if (pc >= 0)
            {
                ReadOnlySpan<char> p = userInfo[(pc + 1)..];
                if (!SipGrammar.IsEscapedText(p, SipGrammar.PasswordChars))
                {
                    return false;
                }

                password = p.ToString();
            }

            rest = rest[(at + 1)..];
        }

        int q = rest.IndexOf('?');
        ReadOnlySpan<char> headersText = q < 0 ? [] : rest[(q + 1)..];
        if (q >= 0)
        {
            rest = rest[..q];
        }

        int semi = rest.IndexOf(';');
        ReadOnlySpan<char> paramsText = semi < 0 ? [] : rest[(semi + 1)..];
        ReadOnlySpan<char> hostPort = semi < 0 ? rest : rest[..semi];

        int portSep = hostPort.Length > 0 && hostPort[0] == '[' ? hostPort.IndexOf(']') + 1 : hostPort.IndexOf(':');
        if (portSep == 0)
        {
            return false;
        }

        ReadOnlySpan<char> host = portSep < 0 || portSep >= hostPort.Length ? hostPort : hostPort[..portSep];
        int? port = null;
        if (portSep > 0 && portSep < hostPort.Length)
        {
            if (hostPort[portSep] != ':' || !SipGrammar.TryParseDigits(hostPort[(portSep + 1)..], 65535, out long p))
            {
                return false;
            }

            port = (int)p;
        }

        if (!SipGrammar.IsHost(host))
        {
            return false;
        }

        List<SipParameter>? parameters = null;
        if (semi >= 0 && !SipParameters.TryParseUriParams(paramsText, ';', SipGrammar.ParamChars, valueRequired: false, out parameters))
        {
            return false;
        }

        List<SipParameter>? headers = null;
        if (q >= 0 && !SipParameters.TryParseUriParams(headersText, '&', SipGrammar.HeaderChars, valueRequired: true, out headers))
        {
            return false;
        }

        uri = new SipUri(SipGrammar.Intern(scheme), user, password, host.ToString(), port, (IReadOnlyList<SipParameter>?)parameters ?? s_none, (IReadOnlyList<SipParameter>?)headers ?? s_none, null);
        return true;
    }

    /// <summary>Returns a URI parameter's value (still %-escaped): null when absent or a flag.</summary>
    /// <param name="name">The parameter name, compared case-insensitively.</param>
    /// <returns>The value or null.</returns>
    public string? GetParameter(string name) => SipParameters.Get(Parameters, name);

    /// <summary>Whether the URI has the parameter (with or without a value), such as <c>lr</c>.</summary>
    /// <param name="name">The parameter name, compared case-insensitively.</param>
    /// <returns>True when present.</returns>
    public bool HasParameter(string name) => SipParameters.Has(Parameters, name);

    /// <summary>The URI as text, exactly as parsed.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => _text ??= Build();

    private string Build()
    {
        if (Opaque is not null)
        {
            return Scheme + ":" + Opaque;
        }

        var sb = new StringBuilder(64);
        sb.Append(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(User);
            if (Password is not null)
            {
                sb.Append(':').Append(Password);
            }

            sb.Append('@');
        }

        sb.Append(Host);
        if (Port is not null)
        {
            sb.Append(':').Append(Port.Value.ToString(CultureInfo.InvariantCulture));
        }

        SipParameters.Append(sb, Parameters, ';');
        for (int i = 0; i < Headers.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(Headers[i].Name).Append('=').Append(Headers[i].Value);
        }

        return sb.ToString();
    }

    /// <summary>Textual equality: the two URIs were written identically (this is not the RFC 3261 19.1.4 comparison).</summary>
    /// <param name="other">The other URI.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(SipUri? other) => other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SipUri);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
