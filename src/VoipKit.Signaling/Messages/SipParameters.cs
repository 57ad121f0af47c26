namespace VoipKit.Signaling.Messages;

/// <summary>Parsers and look-ups for parameter lists (header parameters and URI parameters).</summary>
internal static class SipParameters
{
    /// <summary>
    /// Parses <c>*( SEMI generic-param )</c> of a header field value: whitespace is allowed around <c>;</c> and <c>=</c>,
    /// a value is a token, a host or a quoted string.
    /// </summary>
    public static bool TryParseHeaderParams(ReadOnlySpan<char> s, out List<SipParameter>? list)
    {
        list = null;
        int i = SkipWs(s, 0);
        while (i < s.Length)
        {
            if (s[i] != ';')
            {
                return false;
            }

            i = SkipWs(s, i + 1);
            int nameStart = i;
            int tokenEnd = s[i..].IndexOfAnyExcept(SipGrammar.TokenChars);
            i = tokenEnd < 0 ? s.Length : i + tokenEnd;

            if (i == nameStart)
            {
                return false;
            }

            string name = SipGrammar.Intern(s[nameStart..i]);
            string? value = null;
            i = SkipWs(s, i);
            if (i < s.Length && s[i] == '=')
            {
                i = SkipWs(s, i + 1);
                if (i >= s.Length)
                {
                    return false;
                }

                int valueStart = i;
                if (s[i] == '"')
                {
                    int len = SipGrammar.QuotedStringLength(s[i..]);
                    if (len < 0)
                    {
                        return false;
                    }

                    i += len;
                }
                else
                {
                    while (i < s.Length && (SipGrammar.IsTokenChar(s[i]) || s[i] is '[' or ']' or ':'))
                    {
                        i++;
                    }

                    if (i == valueStart)
                    {
                        return false;
                    }
                }

                value = SipGrammar.Intern(s[valueStart..i]);
                i = SkipWs(s, i);
            }

            (list ??= []).Add(new SipParameter(name, value));
        }

        return true;
    }

    /// <summary>Parses URI parameters <c>;name[=value]</c> (no whitespace, %-escapes allowed), s starting after the first ';'.</summary>
    public static bool TryParseUriParams(ReadOnlySpan<char> s, char separator, System.Buffers.SearchValues<char> allowed, bool valueRequired, out List<SipParameter>? list)
    {
        // uri-parameter values are 1*paramchar; URI header values (hvalue) may be empty.
        return TryParseUriParams(s, separator, allowed, valueRequired, allowEmptyValue: valueRequired, out list);
    }

    private static bool TryParseUriParams(ReadOnlySpan<char> s, char separator, System.Buffers.SearchValues<char> allowed, bool valueRequired, bool allowEmptyValue, out List<SipParameter>? list)
    {
        list = null;
        while (true)
        {
            int end = s.IndexOf(separator);
            ReadOnlySpan<char> item = end < 0 ? s : s[..end];
            int eq = item.IndexOf('=');
            ReadOnlySpan<char> name = eq < 0 ? item : item[..eq];
            if (name.IsEmpty || !SipGrammar.IsEscapedText(name, allowed))
            {
                return false;
            }

            string? value = null;
            if (eq >= 0)
            {
                ReadOnlySpan<char> v = item[(eq + 1)..];
                if ((v.IsEmpty && !allowEmptyValue) || !SipGrammar.IsEscapedText(v, allowed))
                {
                    return false;
                }

                value = SipGrammar.Intern(v);
            }
            else if (valueRequired)
            {
                return false;
            }

            (list ??= []).Add(new SipParameter(SipGrammar.Intern(name), value));
            if (end < 0)
            {
                return true;
            }

            s = s[(end + 1)..];
        }
    }

    public static string? Get(IReadOnlyList<SipParameter> list, string name)
    {
        foreach (SipParameter p in list)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    public static bool Has(IReadOnlyList<SipParameter> list, string name)
    {
        foreach (SipParameter p in list)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static void Append(System.Text.StringBuilder sb, IReadOnlyList<SipParameter> list, char separator)
    {
        foreach (SipParameter p in list)
        {
            sb.Append(separator).Append(p.Name);
            if (p.Value is not null)
            {
                sb.Append('=').Append(p.Value);
            }
        }
    }

    private static int SkipWs(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && SipGrammar.IsWhitespace(s[i]))
        {
            i++;
        }

        return i;
    }
}
