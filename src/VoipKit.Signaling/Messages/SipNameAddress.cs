using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace VoipKit.Signaling.Messages;

/// <summary>
/// A name-addr or addr-spec with header parameters: the value of From, To, Contact, Route, Record-Route and similar fields
/// (RFC 3261 20.10, 20.20, 20.39). In the addr-spec form (no angle brackets) every parameter after the URI is a header
/// parameter, and a URI containing a comma, semicolon or question mark must be in angle brackets. Immutable.
/// </summary>
public sealed class SipNameAddress
{
    private static readonly SipParameter[] s_none = [];

    /// <summary>Creates a name-addr.</summary>
    /// <param name="uri">The URI.</param>
    /// <param name="displayName">The display name as it is written (a quoted string with its quotes, or tokens), or null.</param>
    /// <param name="parameters">Header parameters such as <c>tag</c> or <c>expires</c>.</param>
    public SipNameAddress(SipUri uri, string? displayName = null, IReadOnlyList<SipParameter>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        Uri = uri;
        DisplayName = string.IsNullOrEmpty(displayName) ? null : displayName;
        Parameters = parameters ?? s_none;
    }

    /// <summary>The display name as written (quoted strings keep their quotes and escapes), or null.</summary>
    public string? DisplayName { get; }

    /// <summary>The URI.</summary>
    public SipUri Uri { get; }

    /// <summary>The header parameters, in order.</summary>
    public IReadOnlyList<SipParameter> Parameters { get; }

    /// <summary>The tag parameter (From/To), or null.</summary>
    public string? Tag => GetParameter("tag");

    /// <summary>The expires parameter of a Contact, or null when absent or not a valid delta-seconds value.</summary>
    public uint? Expires => SipGrammar.TryParseDigits(GetParameter("expires"), uint.MaxValue, out long v) ? (uint)v : null;

    /// <summary>The display name without quotes and with quoted-pairs resolved, or null.</summary>
    public string? UnquotedDisplayName
    {
        get
        {
            if (DisplayName is null || DisplayName[0] != '"')
            {
                return DisplayName;
            }

            var sb = new StringBuilder(DisplayName.Length);
            for (int i = 1; i < DisplayName.Length - 1; i++)
            {
                if (DisplayName[i] == '\\' && i + 1 < DisplayName.Length - 1)
                {
                    i++;
                }

                sb.Append(DisplayName[i]);
            }

            return sb.ToString();
        }
    }

    /// <summary>Returns a header parameter's value (null when absent or a flag).</summary>
    /// <param name="name">The name, compared case-insensitively.</param>
    /// <returns>The value or null.</returns>
    public string? GetParameter(string name) => SipParameters.Get(Parameters, name);

    /// <summary>Parses one name-addr or addr-spec with parameters.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SipParseException">Malformed text.</exception>
    public static SipNameAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out SipNameAddress? v) ? v : throw new SipParseException(SipParseError.BadHeaderValue, $"'{text}' is not a valid name-addr.");
    }

    /// <summary>Tries to parse one name-addr or addr-spec with parameters.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value or null.</param>
    /// <returns>False when malformed.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out SipNameAddress? value)
    {
        value = null;
        ReadOnlySpan<char> s = SipGrammar.TrimWhitespace(text);
        if (s.IsEmpty)
        {
            return false;
        }

        string? displayName = null;
        int i = 0;
        ReadOnlySpan<char> uriText;
        if (s[0] == '"')
        {
            int len = SipGrammar.QuotedStringLength(s);
            if (len < 0)
            {
                return false;
            }

            displayName = s[..len].ToString();
            i = len;
            while (i < s.Length && SipGrammar.IsWhitespace(s[i]))
            {
                i++;
            }

            if (i >= s.Length || s[i] != '<')
            {
                return false;
            }
        }

        int lt = s[i..].IndexOf('<');
        if (lt >= 0)
        {
            lt += i;
            if (displayName is null && lt > 0)
            {
                // Unquoted display name: tokens separated by whitespace.
                ReadOnlySpan<char> dn = SipGrammar.TrimWhitespace(s[..lt]);
                foreach (char c in dn)
                {
                    if (!SipGrammar.IsTokenChar(c) && !SipGrammar.IsWhitespace(c))
                    {
                        return false;
                    }
                }

                displayName = dn.IsEmpty ? null : dn.ToString();
            }

            int gt = s[lt..].IndexOf('>');
            if (gt < 0)
            {
                return false;
            }

            gt += lt;
            uriText = s[(lt + 1)..gt];
            i = gt + 1;
        }
        else
        {
            // addr-spec: the URI ends at the first ';' (the rest are header parameters) and must not hold '?' or ','.
            int semi = s.IndexOf(';');
            uriText = SipGrammar.TrimWhitespace(semi < 0 ? s : s[..semi]);
            if (uriText.IndexOfAny('?', ',') >= 0)
            {
                return false;
            }

            i = semi < 0 ? s.Length : semi;
        }

        // No whitespace is allowed inside the brackets or the addr-spec (RFC 4475 badaspec).
        if (uriText.IsEmpty || uriText.IndexOfAny(' ', '\t') >= 0 || !SipUri.TryParse(uriText, out SipUri? uri))
        {
            return false;
        }

        if (!SipParameters.TryParseHeaderParams(s[i..], out List<SipParameter>? parameters))
        {
            return false;
        }

        value = new SipNameAddress(uri, displayName, parameters);
        return true;
    }

    /// <summary>Parses a comma-separated list of name-addrs (Contact, Route, Record-Route).</summary>
    internal static bool TryParseList(string text, out List<SipNameAddress> list) => SipGrammar.TryParseList<SipNameAddress>(text, TryParse, out list);

    /// <summary>The value in name-addr form: <c>"Name" &lt;uri&gt;;params</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(64);
        if (DisplayName is not null)
        {
            sb.Append(DisplayName).Append(' ');
        }

        sb.Append('<').Append(Uri.ToString()).Append('>');
        SipParameters.Append(sb, Parameters, ';');
        return sb.ToString();
    }

    /// <summary>Quotes a display name as a quoted-string, escaping quotes and backslashes.</summary>
    /// <param name="name">The plain name.</param>
    /// <returns>The quoted-string.</returns>
    public static string Quote(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 2).Append('"');
        foreach (char c in name)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return sb.Append('"').ToString();
    }
}
