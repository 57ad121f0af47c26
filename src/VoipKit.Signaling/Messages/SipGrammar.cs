using System.Buffers;

namespace VoipKit.Signaling.Messages;

/// <summary>Character classes and small scanners of the RFC 3261 grammar (section 25), shared by the parsers.</summary>
internal static class SipGrammar
{
    private const string Alphanum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string Mark = "-_.!~*'()";

    /// <summary>Vectorized character classes; the URI ones include '%' (escapes are checked separately).</summary>
    public static readonly SearchValues<char> TokenChars = SearchValues.Create(Alphanum + "-.!%*_+`'~");
    public static readonly SearchValues<byte> TokenBytes = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~"u8);
    public static readonly SearchValues<char> HostChars = SearchValues.Create(Alphanum + "-._");
    public static readonly SearchValues<char> UserChars = SearchValues.Create(Alphanum + Mark + "&=+$,;?/%");
    public static readonly SearchValues<char> PasswordChars = SearchValues.Create(Alphanum + Mark + "&=+$,%");
    public static readonly SearchValues<char> ParamChars = SearchValues.Create(Alphanum + Mark + "[]/:&+$%");
    public static readonly SearchValues<char> HeaderChars = SearchValues.Create(Alphanum + Mark + "[]/?:+$%");

    /// <summary>token characters: alphanum and <c>-.!%*_+`'~</c>.</summary>
    public static bool IsTokenChar(char c) => TokenChars.Contains(c);

    public static bool IsToken(ReadOnlySpan<char> s) => !s.IsEmpty && s.IndexOfAnyExcept(TokenChars) < 0;

    public static bool IsWhitespace(char c) => c is ' ' or '\t';

    /// <summary>unreserved = alphanum / mark.</summary>
    public static bool IsUnreserved(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')';

    public static bool IsUserChar(char c) => IsUnreserved(c) || c is '&' or '=' or '+' or '$' or ',' or ';' or '?' or '/';

    /// <summary>Checks that every character is in <paramref name="allowed"/> (which includes '%') and every '%' starts a %HH escape.</summary>
    public static bool IsEscapedText(ReadOnlySpan<char> s, SearchValues<char> allowed)
    {
        if (s.IndexOfAnyExcept(allowed) >= 0)
        {
            return false;
        }

        for (int i = s.IndexOf('%'); i >= 0; i = s.IndexOf('%'))
        {
            if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
            {
                return false;
            }

            s = s[(i + 3)..];
        }

        return true;
    }

    /// <summary>A host: hostname or IPv4 address (host characters) or an IPv6 reference in brackets.</summary>
    public static bool IsHost(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        if (s[0] == '[')
        {
            if (s.Length < 4 || s[^1] != ']')
            {
                return false;
            }

            foreach (char c in s[1..^1])
            {
                if (!char.IsAsciiHexDigit(c) && c is not ':' and not '.')
                {
                    return false;
                }
            }

            return true;
        }

        return s.IndexOfAnyExcept(HostChars) < 0;
    }

    /// <summary>Parses 1*DIGIT into a value no larger than <paramref name="max"/>; leading zeros are allowed.</summary>
    public static bool TryParseDigits(ReadOnlySpan<char> s, long max, out long value)
    {
        value = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
            if (value > max)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Length of a quoted-string starting at s[0] == '"', including both quotes, or -1 when unterminated.</summary>
    public static int QuotedStringLength(ReadOnlySpan<char> s)
    {
        for (int i = 1; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == '"')
            {
                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>Parses a header value that may hold a comma-separated list (Via, Contact, Route).</summary>
    public static bool TryParseList<T>(string text, SpanParser<T> parse, out List<T> list)
        where T : class
    {
        if (!text.Contains(',', StringComparison.Ordinal))
        {
            // The common single-entry field: no split needed.
            bool ok = parse(text, out T? single);
            list = ok ? new List<T>(1) { single! } : [];
            return ok;
        }

        list = [];
        var ranges = new List<Range>(2);
        if (!TrySplitList(text, ranges))
        {
            return false;
        }

        foreach (Range r in ranges)
        {
            if (!parse(text.AsSpan()[r], out T? v))
            {
                return false;
            }

            list.Add(v!);
        }

        return true;
    }

    /// <summary>A span parser of one list entry.</summary>
    public delegate bool SpanParser<T>(ReadOnlySpan<char> text, out T? value)
        where T : class;

    /// <summary>
    /// Splits a header value at commas that are outside quoted strings and angle brackets.
    /// Returns false when a quote or bracket is unbalanced or an element is empty.
    /// </summary>
    public static bool TrySplitList(ReadOnlySpan<char> s, List<Range> parts)
    {
        int start = 0;
        bool inAngle = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '"')
            {
                int len = QuotedStringLength(s[i..]);
                if (len < 0)
                {
                    return false;
                }

                i += len - 1;
            }
            else if (c == '<')
            {
                if (inAngle)
                {
                    return false;
                }

                inAngle = true;
            }
            else if (c == '>')
            {
                if (!inAngle)
                {
                    return false;
                }

                inAngle = false;
            }
            else if (c == ',' && !inAngle)
            {
                if (!AddTrimmed(s, start, i, parts))
                {
                    return false;
                }

                start = i + 1;
            }
        }

        return !inAngle && AddTrimmed(s, start, s.Length, parts);
    }

    private static bool AddTrimmed(ReadOnlySpan<char> s, int start, int end, List<Range> parts)
    {
        while (start < end && IsWhitespace(s[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(s[end - 1]))
        {
            end--;
        }

        if (start == end)
        {
            return false;
        }

        parts.Add(new Range(start, end));
        return true;
    }

    /// <summary>Returns a shared string for the tokens every message repeats (transports, parameter names), else a new one.</summary>
    public static string Intern(ReadOnlySpan<char> s) => s switch
    {
        "SIP" => "SIP",
        "2.0" => "2.0",
        "UDP" => "UDP",
        "TCP" => "TCP",
        "TLS" => "TLS",
        "WS" => "WS",
        "WSS" => "WSS",
        "sip" => "sip",
        "sips" => "sips",
        "tel" => "tel",
        "tag" => "tag",
        "branch" => "branch",
        "rport" => "rport",
        "received" => "received",
        "expires" => "expires",
        "transport" => "transport",
        "udp" => "udp",
        "tcp" => "tcp",
        "tls" => "tls",
        "lr" => "lr",
        "user" => "user",
        "phone" => "phone",
        "maddr" => "maddr",
        "q" => "q",
        "refresher" => "refresher",
        "uac" => "uac",
        "uas" => "uas",
        "boundary" => "boundary",
        _ => s.ToString(),
    };

    public static ReadOnlySpan<char> TrimWhitespace(ReadOnlySpan<char> s) => s.Trim(" \t");

    /// <summary>Unescapes %HH sequences (as UTF-8) in URI text; text that is not valid UTF-8 after unescaping keeps replacement characters.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('%', StringComparison.Ordinal))
        {
            return s;
        }

        var bytes = new List<byte>(s.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '%' && i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 1]) && char.IsAsciiHexDigit(s[i + 2]))
            {
                bytes.Add((byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2])));
                i += 2;
            }
            else
            {
                int n = new System.Text.Rune(char.IsSurrogate(s[i]) ? '?' : s[i]).EncodeToUtf8(utf8);
                for (int k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }
            }
        }

        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Escapes every character that <paramref name="allowed"/> rejects as %HH of its UTF-8 bytes.</summary>
    public static string Escape(string s, Func<char, bool> allowed)
    {
        var sb = new System.Text.StringBuilder(s.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c < 0x80 && allowed(c))
            {
                sb.Append(c);
                continue;
            }

            System.Text.Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                rune = new System.Text.Rune(c, s[i + 1]);
                i++;
            }
            else
            {
                rune = char.IsSurrogate(c) ? System.Text.Rune.ReplacementChar : new System.Text.Rune(c);
            }

            int n = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < n; k++)
            {
                sb.Append('%').Append(utf8[k].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
