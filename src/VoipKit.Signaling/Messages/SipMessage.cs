using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace VoipKit.Signaling.Messages;

/// <summary>
/// A SIP request or response (RFC 3261 section 7): start line, header fields in their original order, and body.
/// Header values are kept as text; the typed accessors interpret the fields the stack needs (and throw
/// <see cref="SipParseException"/> for a malformed value in a message that was built by hand; a parsed message has had
/// all of them checked already).
/// </summary>
public abstract class SipMessage : IEquatable<SipMessage>
{
    private List<SipHeader> _headers;

    /// <summary>Creates a message with the given fields.</summary>
    /// <param name="headers">Header fields, in order; the list is copied.</param>
    /// <param name="body">The body.</param>
    private protected SipMessage(IEnumerable<SipHeader>? headers, ReadOnlyMemory<byte> body)
    {
        _headers = headers is null ? [] : [.. headers];
        Body = body;
    }

    /// <summary>The header fields in order. Adding or removing is allowed; the serializer writes them in this order.</summary>
    public IList<SipHeader> Headers => _headers;

    /// <summary>The body (empty when none). Content-Length is written from its length.</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>All Via entries, topmost first, across repeated and comma-separated fields.</summary>
    public IReadOnlyList<SipVia> Via => GetList<SipVia>(SipHeaderNames.Via, ParseVia);

    /// <summary>The From field, or null when missing.</summary>
    public SipNameAddress? From => GetSingle<SipNameAddress>(SipHeaderNames.From, ParseNameAddress);

    /// <summary>The To field, or null when missing.</summary>
    public SipNameAddress? To => GetSingle<SipNameAddress>(SipHeaderNames.To, ParseNameAddress);

    /// <summary>The Call-ID, or null when missing.</summary>
    public string? CallId => GetHeader(SipHeaderNames.CallId);

    /// <summary>The CSeq, or null when missing.</summary>
    public SipCSeq? CSeq => GetSingle<SipCSeq?>(SipHeaderNames.CSeq, ParseCSeq);

    /// <summary>The Contact entries (empty when none or when the value is <c>*</c>, see <see cref="IsWildcardContact"/>).</summary>
    public IReadOnlyList<SipNameAddress> Contacts => IsWildcardContact ? [] : GetList<SipNameAddress>(SipHeaderNames.Contact, ParseNameAddressList);

    /// <summary>Whether the Contact field is <c>*</c> (REGISTER removing all bindings).</summary>
    public bool IsWildcardContact => GetHeader(SipHeaderNames.Contact) == "*";

    /// <summary>Max-Forwards, or null when missing.</summary>
    public int? MaxForwards => GetSingle<int?>(SipHeaderNames.MaxForwards, ParseMaxForwards);

    /// <summary>The Route entries in order.</summary>
    public IReadOnlyList<SipNameAddress> Routes => GetList<SipNameAddress>(SipHeaderNames.Route, ParseNameAddressList);

    /// <summary>The Record-Route entries in order.</summary>
    public IReadOnlyList<SipNameAddress> RecordRoutes => GetList<SipNameAddress>(SipHeaderNames.RecordRoute, ParseNameAddressList);

    /// <summary>The Content-Type, or null when missing.</summary>
    public SipContentType? ContentType => GetSingle<SipContentType>(SipHeaderNames.ContentType, ParseContentType);

    /// <summary>The Content-Length field as received, or null when missing.</summary>
    public int? ContentLength => GetSingle<int?>(SipHeaderNames.ContentLength, ParseContentLength);

    /// <summary>The Expires field, or null when missing.</summary>
    public uint? Expires => GetSingle<uint?>(SipHeaderNames.Expires, ParseExpires);

    /// <summary>The Session-Expires field (RFC 4028), or null.</summary>
    public SipSessionExpires? SessionExpires => GetSingle<SipSessionExpires>(SipHeaderNames.SessionExpires, ParseSessionExpires);

    /// <summary>The Min-SE value in seconds (RFC 4028), or null.</summary>
    public uint? MinSE => GetSingle<SipSessionExpires>(SipHeaderNames.MinSE, ParseSessionExpires)?.Seconds;

    /// <summary>The option tags of Supported, across fields.</summary>
    public IReadOnlyList<string> Supported => GetList<string>(SipHeaderNames.Supported, ParseTokenList);

    /// <summary>The option tags of Require, across fields.</summary>
    public IReadOnlyList<string> Require => GetList<string>(SipHeaderNames.Require, ParseTokenList);

    /// <summary>Parses a message from a datagram or a frame cut by <see cref="SipStreamFramer"/>.</summary>
    /// <param name="data">The bytes of exactly one message.</param>
    /// <param name="options">Limits; <see cref="SipParseOptions.Datagram"/> when null.</param>
    /// <returns>The message.</returns>
    /// <exception cref="SipParseException">The message is malformed, over a limit, or lacks mandatory fields.</exception>
    public static SipMessage Parse(ReadOnlySpan<byte> data, SipParseOptions? options = null) =>
        SipMessageParser.Parse(data, options ?? SipParseOptions.Datagram, out SipMessage? m) is { } error ? throw error : m!;

    /// <summary>
    /// Parses a message cut by <see cref="SipStreamFramer"/> (possibly spanning several buffer segments; a multi-segment
    /// frame is copied once into a pooled buffer).
    /// </summary>
    /// <param name="frame">The bytes of exactly one message.</param>
    /// <param name="message">The message, or null.</param>
    /// <param name="error">The error (not thrown), or null.</param>
    /// <param name="options">Limits; <see cref="SipParseOptions.Stream"/> when null.</param>
    /// <returns>True on success.</returns>
    public static bool TryParse(in ReadOnlySequence<byte> frame, [NotNullWhen(true)] out SipMessage? message, [NotNullWhen(false)] out SipParseException? error, SipParseOptions? options = null)
    {
        options ??= SipParseOptions.Stream;
        if (frame.IsSingleSegment)
        {
            error = SipMessageParser.Parse(frame.FirstSpan, options, out message);
            return error is null;
        }

        if (frame.Length > options.MaxMessageSize)
        {
            message = null;
            error = new SipParseException(SipParseError.MessageTooLarge, $"The message is {frame.Length} bytes, over the {options.MaxMessageSize}-byte limit.");
            return false;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent((int)frame.Length);
        try
        {
            frame.CopyTo(rented);
            error = SipMessageParser.Parse(rented.AsSpan(0, (int)frame.Length), options, out message);
            return error is null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Parses a message without throwing.</summary>
    /// <param name="data">The bytes of exactly one message.</param>
    /// <param name="message">The message, or null.</param>
    /// <param name="error">The error (not thrown), or null.</param>
    /// <param name="options">Limits; <see cref="SipParseOptions.Datagram"/> when null.</param>
    /// <returns>True on success.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out SipMessage? message, [NotNullWhen(false)] out SipParseException? error, SipParseOptions? options = null)
    {
        error = SipMessageParser.Parse(data, options ?? SipParseOptions.Datagram, out message);
        return error is null;
    }

    /// <summary>Writes the message (start line, fields in order with Content-Length from the body, body).</summary>
    /// <param name="writer">The destination.</param>
    public void WriteTo(IBufferWriter<byte> writer) => SipMessageWriter.Write(this, writer);

    /// <summary>Serializes the message to a new array.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(512 + Body.Length);
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The value of the first field with the name, or null.</summary>
    /// <param name="name">The name (case-insensitive; compact forms accepted).</param>
    /// <returns>The value or null.</returns>
    public string? GetHeader(string name)
    {
        string canonical = SipHeaderNames.Canonical(name);
        foreach (SipHeader h in _headers)
        {
            if (string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }

    /// <summary>The values of every field with the name, in order.</summary>
    /// <param name="name">The name (case-insensitive; compact forms accepted).</param>
    /// <returns>The values.</returns>
    public IReadOnlyList<string> GetHeaders(string name)
    {
        string canonical = SipHeaderNames.Canonical(name);
        var list = new List<string>();
        foreach (SipHeader h in _headers)
        {
            if (string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                list.Add(h.Value);
            }
        }

        return list;
    }

    /// <summary>Appends a field.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    public void AddHeader(string name, string value) => _headers.Add(new SipHeader(name, value));

    /// <summary>Replaces the first field with the name (removing the others) or appends it.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    public void SetHeader(string name, string value)
    {
        var header = new SipHeader(name, value);
        int first = _headers.FindIndex(h => string.Equals(h.Name, header.Name, StringComparison.OrdinalIgnoreCase));
        if (first < 0)
        {
            _headers.Add(header);
            return;
        }

        _headers[first] = header;
        _headers.RemoveAll(h => !ReferenceEquals(h, header) && string.Equals(h.Name, header.Name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Removes every field with the name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>How many were removed.</returns>
    public int RemoveHeaders(string name)
    {
        string canonical = SipHeaderNames.Canonical(name);
        return _headers.RemoveAll(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The parsed values of every field with the name (WWW-Authenticate, Authorization, Proxy-Authenticate, Proxy-Authorization).</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The values in order.</returns>
    /// <exception cref="SipParseException">A value is malformed.</exception>
    public IReadOnlyList<SipAuthValue> GetAuthValues(string name)
    {
        var list = new List<SipAuthValue>();
        foreach (string v in GetHeaders(name))
        {
            list.Add(SipAuthValue.Parse(v));
        }

        return list;
    }

    /// <summary>
    /// Same start line, same fields in the same order (names case-insensitive, values exact), same body. Content-Length is
    /// framing derived from the body (the serializer always writes the real length), so it is not compared.
    /// </summary>
    /// <param name="other">The other message.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(SipMessage? other)
    {
        if (other is null || other.GetType() != GetType() || !StartLineEquals(other) || !Body.Span.SequenceEqual(other.Body.Span))
        {
            return false;
        }

        int i = 0;
        int j = 0;
        while (true)
        {
            while (i < _headers.Count && _headers[i].Is(SipHeaderNames.ContentLength))
            {
                i++;
            }

            while (j < other._headers.Count && other._headers[j].Is(SipHeaderNames.ContentLength))
            {
                j++;
            }

            if (i == _headers.Count || j == other._headers.Count)
            {
                return i == _headers.Count && j == other._headers.Count;
            }

            if (!_headers[i].Equals(other._headers[j]))
            {
                return false;
            }

            i++;
            j++;
        }
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SipMessage);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Body.Length, CallId);

    /// <summary>The message as text (the body decoded as UTF-8), for logs and debugging.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToArray());

    /// <summary>The field list itself, for allocation-free enumeration.</summary>
    internal List<SipHeader> HeaderList => _headers;

    /// <summary>For the parser: takes the checked field list without copying it.</summary>
    internal void SetParsedHeaders(List<SipHeader> headers) => _headers = headers;

    /// <summary>Whether the start lines are equal.</summary>
    private protected abstract bool StartLineEquals(SipMessage other);

    /// <summary>Writes the start line without CRLF.</summary>
    internal abstract void WriteStartLine(IBufferWriter<byte> writer);

    internal static object? ParseVia(string v) => SipVia.TryParseList(v, out List<SipVia> list) ? list : null;

    internal static object? ParseNameAddress(string v) => SipNameAddress.TryParse(v, out SipNameAddress? a) ? a : null;

    internal static object? ParseNameAddressList(string v) =>
        v == "*" ? new List<SipNameAddress>() : SipNameAddress.TryParseList(v, out List<SipNameAddress> list) ? list : null;

    internal static object? ParseCSeq(string v) => SipCSeq.TryParse(v, out SipCSeq c) ? c : null;

    internal static object? ParseMaxForwards(string v) => SipGrammar.TryParseDigits(v, 255, out long n) ? (int?)(int)n : null;

    internal static object? ParseContentLength(string v) => SipGrammar.TryParseDigits(v, int.MaxValue, out long n) ? (int?)(int)n : null;

    internal static object? ParseExpires(string v) => SipGrammar.TryParseDigits(v, uint.MaxValue, out long n) ? (uint?)(uint)n : null;

    internal static object? ParseContentType(string v) => SipContentType.TryParse(v, out SipContentType? c) ? c : null;

    internal static object? ParseSessionExpires(string v) => SipSessionExpires.TryParse(v, out SipSessionExpires? s) ? s : null;

    internal static object? ParseCallId(string v) => v.Length > 0 && v.AsSpan().IndexOfAny(' ', '\t') < 0 ? v : null;

    internal static object? ParseTokenList(string v)
    {
        var list = new List<string>();
        foreach (Range r in v.AsSpan().Split(','))
        {
            ReadOnlySpan<char> t = SipGrammar.TrimWhitespace(v.AsSpan()[r]);
            if (!SipGrammar.IsToken(t))
            {
                // An empty Supported field is legal; empty elements between commas are not.
                return t.IsEmpty && SipGrammar.TrimWhitespace(v).IsEmpty ? list : null;
            }

            list.Add(t.ToString());
        }

        return list;
    }

    /// <summary>The typed parser of a field the stack interprets, or null for fields kept as text only.</summary>
    internal static Func<string, object?>? TypedParser(string canonicalName) => canonicalName switch
    {
        SipHeaderNames.Via => ParseVia,
        SipHeaderNames.From or SipHeaderNames.To => ParseNameAddress,
        SipHeaderNames.CallId => ParseCallId,
        SipHeaderNames.CSeq => ParseCSeq,
        SipHeaderNames.Contact or SipHeaderNames.Route or SipHeaderNames.RecordRoute => ParseNameAddressList,
        SipHeaderNames.MaxForwards => ParseMaxForwards,
        SipHeaderNames.ContentLength => ParseContentLength,
        SipHeaderNames.ContentType => ParseContentType,
        SipHeaderNames.Expires => ParseExpires,
        SipHeaderNames.SessionExpires or SipHeaderNames.MinSE => ParseSessionExpires,
        SipHeaderNames.Supported or SipHeaderNames.Require => ParseTokenList,
        _ => null,
    };

    private T? GetSingle<T>(string name, Func<string, object?> parse)
    {
        foreach (SipHeader h in _headers)
        {
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return (T?)ParsedValue(h, parse);
            }
        }

        return default;
    }

    private List<T> GetList<T>(string name, Func<string, object?> parse)
    {
        var all = new List<T>();
        foreach (SipHeader h in _headers)
        {
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                all.AddRange((List<T>)ParsedValue(h, parse));
            }
        }

        return all;
    }

    private static object ParsedValue(SipHeader h, Func<string, object?> parse)
    {
        object? parsed = h.Parsed ?? parse(h.Value);
        if (parsed is null)
        {
            throw new SipParseException(SipParseError.BadHeaderValue, $"The {h.Name} header value is malformed.", h.Name);
        }

        h.Parsed = parsed;
        return parsed;
    }
}
