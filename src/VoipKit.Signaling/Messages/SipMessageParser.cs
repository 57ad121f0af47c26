using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace VoipKit.Signaling.Messages;

/// <summary>
/// Parses one SIP message from UTF-8 bytes (RFC 3261 section 7 and 25). Works on the input span without copying it,
/// allocating only the message's own strings, field list and body. Errors are returned (never thrown) so a datagram
/// loop can reject garbage cheaply; <see cref="SipMessage.Parse"/> throws them.
/// </summary>
internal static class SipMessageParser
{
    private static readonly SearchValues<byte> s_badBytes = SearchValues.Create(BuildBadBytes());

    private static readonly string[] s_mandatory = [SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq];

    public static SipParseException? Parse(ReadOnlySpan<byte> data, SipParseOptions options, out SipMessage? message)
    {
        message = null;
        if (data.Length > options.MaxMessageSize)
        {
            return new SipParseException(SipParseError.MessageTooLarge, $"The message is {data.Length} bytes, over the {options.MaxMessageSize}-byte limit.");
        }

        // RFC 3261 7.5: CRLFs before the start line are ignored (keep-alives on datagrams).
        int pos = 0;
        while (data.Length - pos >= 2 && data[pos] == '\r' && data[pos + 1] == '\n')
        {
            pos += 2;
        }

        if (pos == data.Length)
        {
            return new SipParseException(SipParseError.Empty, "The message is empty.");
        }

        int headerEnd = data[pos..].IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return new SipParseException(SipParseError.Truncated, "The header section does not end with an empty line.");
        }

        ReadOnlySpan<byte> head = data.Slice(pos, headerEnd + 2);
        int bodyStart = pos + headerEnd + 4;
        if (CheckCharacters(head) is { } charError)
        {
            return new SipParseException(SipParseError.InvalidCharacter, charError);
        }

        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> startLine = head[..lineEnd];
        if (startLine.IndexOfAny(s_badBytes) >= 0)
        {
            // Quoted-pairs do not exist in the start line, so no control byte is allowed there.
            return new SipParseException(SipParseError.InvalidCharacter, "A control byte in the start line.");
        }

        var start = new StartLine();
        ParseStartLine(startLine, ref start);

        // Header fields: parsed even when the start line failed, so that the error can carry what a response needs.
        var headers = new List<SipHeader>(24);
        (SipParseError Error, string Text, string? Header)? firstError = start.Error is { } se ? (se, start.ErrorText!, null) : null;
        int p = lineEnd + 2;
        while (p < head.Length)
        {
            int e = p + head[p..].IndexOf("\r\n"u8);
            bool folded = false;
            while (e + 2 < head.Length && head[e + 2] is (byte)' ' or (byte)'\t')
            {
                folded = true;
                e = e + 2 + head[(e + 2)..].IndexOf("\r\n"u8);
            }

            ReadOnlySpan<byte> line = head[p..e];
            p = e + 2;
            if (headers.Count >= options.MaxHeaderCount)
            {
                firstError ??= (SipParseError.TooManyHeaders, $"More than {options.MaxHeaderCount} header fields.", null);
                break;
            }

            int colon = line.IndexOf((byte)':');
            ReadOnlySpan<byte> name = colon < 0 ? default : line[..colon].TrimEnd(" \t"u8);
            if (colon < 0 || name.IsEmpty || !IsToken(name))
            {
                firstError ??= (SipParseError.BadHeaderLine, line.Length > 0 && line[0] is (byte)' ' or (byte)'\t'
                    ? "A continuation line precedes the first header field."
                    : "A header line has no colon or its name is not a token.", null);
                continue;
            }

            string canonical = SipHeaderNames.Canonical(name);
            ReadOnlySpan<byte> rawValue = line[(colon + 1)..];
            string value = folded ? Unfold(rawValue) : Encoding.UTF8.GetString(rawValue.Trim(" \t"u8));
            headers.Add(SipHeader.CreateTrusted(canonical, value));
        }

        if (firstError is null)
        {
            firstError = ValidateHeaders(headers);
        }

        if (firstError is null && start.IsRequest && FindSingle(headers, SipHeaderNames.CSeq)?.Parsed is SipCSeq cseq
            && !string.Equals(cseq.Method, start.Method, StringComparison.Ordinal))
        {
            firstError = (SipParseError.MethodMismatch, $"The CSeq method {cseq.Method} differs from the request method {start.Method}.", SipHeaderNames.CSeq);
        }

        int bodyLength = data.Length - bodyStart;
        if (firstError is null)
        {
            SipHeader? cl = FindSingle(headers, SipHeaderNames.ContentLength);
            if (cl?.Parsed is int length)
            {
                if (length > bodyLength)
                {
                    firstError = (SipParseError.BodyTooShort, $"Content-Length is {length} but only {bodyLength} body bytes arrived.", SipHeaderNames.ContentLength);
                }
                else
                {
                    // RFC 3261 18.3: bytes after Content-Length are discarded.
                    bodyLength = length;
                }
            }
            else if (options.RequireContentLength)
            {
                firstError = (SipParseError.MissingContentLength, "A message on a stream transport needs Content-Length.", SipHeaderNames.ContentLength);
            }
        }

        if (firstError is { } fe)
        {
            return new SipParseException(fe.Error, fe.Text, fe.Header, start.IsRequest, ResponseContext(headers));
        }

        ReadOnlyMemory<byte> body = bodyLength == 0 ? ReadOnlyMemory<byte>.Empty : data.Slice(bodyStart, bodyLength).ToArray();
        message = start.IsRequest
            ? new SipRequest(start.Method!, start.Uri!, null, body)
            : new SipResponse(start.StatusCode, start.Reason, null, body);
        message.SetParsedHeaders(headers);
        return null;
    }

    /// <summary>Checks every typed field (the values are cached in the fields) and the presence and count rules.</summary>
    private static (SipParseError, string, string?)? ValidateHeaders(List<SipHeader> headers)
    {
        (SipParseError, string, string?)? error = null;
        Span<int> counts = stackalloc int[5];
        foreach (SipHeader h in headers)
        {
            Func<string, object?>? parse = SipMessage.TypedParser(h.Name);
            if (parse is null)
            {
                continue;
            }

            h.Parsed = parse(h.Value);
            if (h.Parsed is null)
            {
                error ??= (h.Name == SipHeaderNames.ContentLength ? SipParseError.BadContentLength : SipParseError.BadHeaderValue,
                    $"The {h.Name} header value is malformed or out of range.", h.Name);
            }

            int index = MandatoryIndex(h.Name);
            if (index >= 0)
            {
                counts[index]++;
            }
        }

        // Single-valued fields must not repeat (RFC 4475 multi01 and mcl01).
        foreach (SipHeader h in headers)
        {
            if (SipHeaderNames.IsSingle(h.Name) && CountOf(headers, h.Name) > 1)
            {
                error ??= (h.Name == SipHeaderNames.ContentLength ? SipParseError.BadContentLength : SipParseError.DuplicateHeader,
                    $"The {h.Name} header field appears more than once.", h.Name);
            }
        }

        for (int i = 0; i < s_mandatory.Length; i++)
        {
            if (counts[i] == 0)
            {
                error ??= (SipParseError.MissingHeader, $"The mandatory {s_mandatory[i]} header field is missing.", s_mandatory[i]);
            }
        }

        return error;
    }

    private static int MandatoryIndex(string name) => name switch
    {
        SipHeaderNames.Via => 0,
        SipHeaderNames.From => 1,
        SipHeaderNames.To => 2,
        SipHeaderNames.CallId => 3,
        SipHeaderNames.CSeq => 4,
        _ => -1,
    };

    private static int CountOf(List<SipHeader> headers, string name)
    {
        int n = 0;
        foreach (SipHeader h in headers)
        {
            if (ReferenceEquals(h.Name, name) || string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                n++;
            }
        }

        return n;
    }

    private static SipHeader? FindSingle(List<SipHeader> headers, string name)
    {
        foreach (SipHeader h in headers)
        {
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return h;
            }
        }

        return null;
    }

    /// <summary>
    /// Via, From, To, Call-ID and CSeq when a response can be built from them: every Via readable (the response is routed
    /// by them) and the other four present exactly once (they are copied verbatim, so they need not be well formed:
    /// RFC 4475 quotbal or scalar02 still deserve a 400). Otherwise empty.
    /// </summary>
    private static List<SipHeader> ResponseContext(List<SipHeader> headers)
    {
        var context = new List<SipHeader>(6);
        foreach (string name in s_mandatory)
        {
            int count = 0;
            foreach (SipHeader h in headers)
            {
                if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    if (name == SipHeaderNames.Via && (h.Parsed ?? SipMessage.ParseVia(h.Value)) is null)
                    {
                        return [];
                    }

                    context.Add(h);
                    count++;
                }
            }

            if (count == 0 || (count > 1 && name != SipHeaderNames.Via))
            {
                return [];
            }
        }

        return context;
    }

    private static void ParseStartLine(ReadOnlySpan<byte> line, ref StartLine start)
    {
        if (line.StartsWith("SIP/"u8))
        {
            // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
            int sp = line.IndexOf((byte)' ');
            if (sp < 0)
            {
                start.Fail(SipParseError.BadStartLine, "The status line has no status code.");
                return;
            }

            int versionState = CheckVersion(line[..sp]);
            ReadOnlySpan<byte> rest = line[(sp + 1)..];
            if (rest.Length < 3 || (rest.Length > 3 && rest[3] != ' ') || !IsStatusCode(rest[..3]))
            {
                start.Fail(SipParseError.BadStatusCode, "The status code is not three digits in 100-699.");
                return;
            }

            start.StatusCode = ((rest[0] - '0') * 100) + ((rest[1] - '0') * 10) + (rest[2] - '0');
            start.Reason = rest.Length > 4 ? Encoding.UTF8.GetString(rest[4..]) : string.Empty;
            if (versionState != 0)
            {
                start.Fail(versionState == 1 ? SipParseError.BadStartLine : SipParseError.UnsupportedVersion, "The SIP version is not SIP/2.0.");
            }

            return;
        }

        // Request-Line = Method SP Request-URI SP SIP-Version, single spaces only (RFC 4475 lwsstart, trws).
        start.IsRequest = true;
        int a = line.IndexOf((byte)' ');
        int b = a < 0 ? -1 : line[(a + 1)..].IndexOf((byte)' ');
        if (a <= 0 || b <= 0)
        {
            start.Fail(SipParseError.BadStartLine, "The request line is not 'Method SP Request-URI SP SIP-Version'.");
            return;
        }

        b += a + 1;
        ReadOnlySpan<byte> method = line[..a];
        ReadOnlySpan<byte> uri = line[(a + 1)..b];
        ReadOnlySpan<byte> version = line[(b + 1)..];
        if (!IsToken(method))
        {
            start.Fail(SipParseError.BadMethod, "The request method is not a token.");
            return;
        }

        Span<char> methodChars = stackalloc char[method.Length];
        for (int i = 0; i < method.Length; i++)
        {
            methodChars[i] = (char)method[i];
        }

        start.Method = SipMethods.Intern(methodChars);
        int versionState2 = CheckVersion(version);
        if (versionState2 == 1)
        {
            start.Fail(SipParseError.BadStartLine, "The request line does not end with a SIP version (extra or missing spaces?).");
            return;
        }

        string uriText = Encoding.UTF8.GetString(uri);
        if (!SipUri.TryParse(uriText, out SipUri? requestUri))
        {
            start.Fail(SipParseError.BadUri, $"The Request-URI '{uriText}' is malformed.");
            return;
        }

        if (requestUri.Headers.Count > 0)
        {
            // RFC 3261 19.1.1: headers are not allowed in a Request-URI (RFC 4475 escruri).
            start.Fail(SipParseError.BadUri, "The Request-URI carries URI headers.");
            return;
        }

        start.Uri = requestUri;
        if (versionState2 == 2)
        {
            start.Fail(SipParseError.UnsupportedVersion, "The SIP version is not SIP/2.0.");
        }
    }

    /// <summary>0 for SIP/2.0, 2 for another well-formed SIP version, 1 for anything else.</summary>
    private static int CheckVersion(ReadOnlySpan<byte> v)
    {
        if (v.SequenceEqual("SIP/2.0"u8))
        {
            return 0;
        }

        if (v.Length < 7 || !Ascii.EqualsIgnoreCase(v[..4], "SIP/"u8))
        {
            return 1;
        }

        int dot = v.IndexOf((byte)'.');
        if (dot <= 4 || dot == v.Length - 1 || !AllDigits(v[4..dot]) || !AllDigits(v[(dot + 1)..]))
        {
            return 1;
        }

        return v[4..dot].TrimStart((byte)'0').SequenceEqual("2"u8) && v[(dot + 1)..].TrimStart((byte)'0').IsEmpty ? 0 : 2;
    }

    private static bool AllDigits(ReadOnlySpan<byte> s)
    {
        foreach (byte c in s)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return !s.IsEmpty;
    }

    private static bool IsStatusCode(ReadOnlySpan<byte> s) => AllDigits(s) && s[0] is >= (byte)'1' and <= (byte)'6';

    internal static bool IsToken(ReadOnlySpan<byte> s) => !s.IsEmpty && s.IndexOfAnyExcept(SipGrammar.TokenBytes) < 0;

    /// <summary>Rejects NUL and other control bytes, bare CR or LF, and invalid UTF-8 in the start line and fields.</summary>
    internal static string? CheckCharacters(ReadOnlySpan<byte> head)
    {
        int i = head.IndexOfAny(s_badBytes);
        while (i >= 0)
        {
            byte c = head[i];
            if (c == '\r' && i + 1 < head.Length && head[i + 1] == '\n')
            {
                int next = head[(i + 2)..].IndexOfAny(s_badBytes);
                i = next < 0 ? -1 : i + 2 + next;
                continue;
            }

            // A quoted-pair may escape any byte but CR and LF ("\" %x00-09 / %x0B-0C / %x0E-7F), RFC 4475 intmeth.
            if (c is not (byte)'\r' and not (byte)'\n' && i > 0 && head[i - 1] == '\\')
            {
                int next = head[(i + 1)..].IndexOfAny(s_badBytes);
                i = next < 0 ? -1 : i + 1 + next;
                continue;
            }

            return c switch
            {
                0 => "A NUL byte in the start line or a header field.",
                (byte)'\r' or (byte)'\n' => "A bare CR or LF in the start line or a header field.",
                _ => $"The control byte 0x{c:X2} in the start line or a header field.",
            };
        }

        return Utf8.IsValid(head) ? null : "The start line or a header field is not valid UTF-8.";
    }

    /// <summary>Replaces each line fold (optional whitespace, CRLF, whitespace) by one space and trims (RFC 3261 7.3.1).</summary>
    internal static string Unfold(ReadOnlySpan<byte> raw)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        int n = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\r' && i + 1 < raw.Length && raw[i + 1] == '\n')
            {
                while (n > 0 && buffer[n - 1] is (byte)' ' or (byte)'\t')
                {
                    n--;
                }

                buffer[n++] = (byte)' ';
                i += 2;
                while (i < raw.Length && raw[i] is (byte)' ' or (byte)'\t')
                {
                    i++;
                }

                i--;
                continue;
            }

            buffer[n++] = raw[i];
        }

        string s = Encoding.UTF8.GetString(buffer.AsSpan(0, n).Trim(" \t"u8));
        ArrayPool<byte>.Shared.Return(buffer);
        return s;
    }

    private static byte[] BuildBadBytes()
    {
        var bytes = new List<byte>();
        for (int c = 0; c < 0x20; c++)
        {
            if (c != '\t')
            {
                bytes.Add((byte)c);
            }
        }

        bytes.Add(0x7f);
        return [.. bytes];
    }

    private struct StartLine
    {
        public bool IsRequest;
        public string? Method;
        public SipUri? Uri;
        public int StatusCode;
        public string? Reason;
        public SipParseError? Error;
        public string? ErrorText;

        public void Fail(SipParseError error, string text)
        {
            Error ??= error;
            ErrorText ??= text;
        }
    }
}
