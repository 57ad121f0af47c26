using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace VoipKit.Signaling.Messages;

/// <summary>
/// A WWW-Authenticate, Authorization, Proxy-Authenticate or Proxy-Authorization value: a scheme (such as Digest) and
/// its comma-separated <c>name=value</c> / <c>name="quoted"</c> parameters (RFC 3261 25.1, RFC 8760).
/// </summary>
public sealed class SipAuthValue
{
    /// <summary>Creates a value.</summary>
    /// <param name="scheme">The scheme, such as <c>Digest</c>.</param>
    /// <param name="parameters">The parameters; values are unquoted text.</param>
    public SipAuthValue(string scheme, IReadOnlyList<SipAuthParameter> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    /// <summary>The scheme.</summary>
    public string Scheme { get; }

    /// <summary>The parameters, in order, values unquoted.</summary>
    public IReadOnlyList<SipAuthParameter> Parameters { get; }

    /// <summary>Returns a parameter's value (unquoted), or null.</summary>
    /// <param name="name">The name, compared case-insensitively.</param>
    /// <returns>The value or null.</returns>
    public string? Get(string name)
    {
        foreach (SipAuthParameter p in Parameters)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    /// <summary>Parses a value.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value or null.</param>
    /// <returns>False when malformed.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out SipAuthValue? value)
    {
        value = null;
        ReadOnlySpan<char> s = SipGrammar.TrimWhitespace(text);
        int i = 0;
        while (i < s.Length && SipGrammar.IsTokenChar(s[i]))
        {
            i++;
        }

        if (i == 0 || (i < s.Length && !SipGrammar.IsWhitespace(s[i])))
        {
            return false;
        }

        string scheme = s[..i].ToString();
        var list = new List<SipAuthParameter>();
        s = s[i..].TrimStart(" \t");
        while (!s.IsEmpty)
        {
            int n = 0;
            while (n < s.Length && SipGrammar.IsTokenChar(s[n]))
            {
                n++;
            }

            if (n == 0)
            {
                return false;
            }

            string name = s[..n].ToString();
            s = s[n..].TrimStart(" \t");
            if (s.IsEmpty || s[0] != '=')
            {
                return false;
            }

            s = s[1..].TrimStart(" \t");
            string v;
            bool quoted = false;
            if (!s.IsEmpty && s[0] == '"')
            {
                int len = SipGrammar.QuotedStringLength(s);
                if (len < 0)
                {
                    return false;
                }

                v = Unquote(s[1..(len - 1)]);
                quoted = true;
                s = s[len..];
            }
            else
            {
                int e = 0;
                while (e < s.Length && s[e] != ',' && !SipGrammar.IsWhitespace(s[e]))
                {
                    e++;
                }

                if (e == 0)
                {
                    return false;
                }

                v = s[..e].ToString();
                s = s[e..];
            }

            list.Add(new SipAuthParameter(name, v, quoted));
            s = s.TrimStart(" \t");
            if (s.IsEmpty)
            {
                break;
            }

            if (s[0] != ',')
            {
                return false;
            }

            s = s[1..].TrimStart(" \t");
            if (s.IsEmpty)
            {
                return false;
            }
        }

        value = new SipAuthValue(scheme, list);
        return true;
    }

    /// <summary>Parses a value.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SipParseException">Malformed text.</exception>
    public static SipAuthValue Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out SipAuthValue? v) ? v : throw new SipParseException(SipParseError.BadHeaderValue, "Malformed authentication header value.");
    }

    /// <summary>The value as written: <c>Scheme name="value", name=value</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(128).Append(Scheme);
        for (int i = 0; i < Parameters.Count; i++)
        {
            SipAuthParameter p = Parameters[i];
            sb.Append(i == 0 ? " " : ", ").Append(p.Name).Append('=');
            if (p.Quoted)
            {
                sb.Append('"').Append(p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                sb.Append(p.Value);
            }
        }

        return sb.ToString();
    }

    private static string Unquote(ReadOnlySpan<char> s)
    {
        if (s.IndexOf('\\') < 0)
        {
            return s.ToString();
        }

        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }

            sb.Append(s[i]);
        }

        return sb.ToString();
    }
}
