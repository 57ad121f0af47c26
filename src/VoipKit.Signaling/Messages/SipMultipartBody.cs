using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Signaling.Messages;

/// <summary>
/// A multipart body (RFC 2046 5.1, RFC 5621 for SIP), such as multipart/mixed carrying the SDP beside the end-to-end
/// encrypted call-key part. The preamble and epilogue are not kept.
/// </summary>
public sealed class SipMultipartBody
{
    /// <summary>Largest number of parts accepted when parsing.</summary>
    public const int MaxParts = 64;

    /// <summary>Creates a body.</summary>
    /// <param name="boundary">The boundary: 1–70 characters from the RFC 2046 bchars set, not ending in a space.</param>
    /// <param name="parts">The parts, in order.</param>
    /// <exception cref="ArgumentException">The boundary is not valid.</exception>
    public SipMultipartBody(string boundary, IReadOnlyList<SipBodyPart> parts)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        ArgumentNullException.ThrowIfNull(parts);
        if (!IsValidBoundary(boundary))
        {
            throw new ArgumentException("A boundary is 1-70 characters of the RFC 2046 bchars set, not ending in a space.", nameof(boundary));
        }

        Boundary = boundary;
        Parts = parts;
    }

    /// <summary>The boundary.</summary>
    public string Boundary { get; }

    /// <summary>The parts, in order.</summary>
    public IReadOnlyList<SipBodyPart> Parts { get; }

    /// <summary>The Content-Type of a message carrying this body: <c>multipart/mixed;boundary=...</c>.</summary>
    /// <param name="subtype">The subtype, <c>mixed</c> by default.</param>
    /// <returns>The header value.</returns>
    public string ContentTypeValue(string subtype = "mixed") => "multipart/" + subtype + ";boundary=" + (IsToken(Boundary) ? Boundary : "\"" + Boundary + "\"");

    /// <summary>Makes a random boundary that cannot plausibly occur in the parts.</summary>
    /// <returns>A 32-character boundary.</returns>
    public static string NewBoundary() => "vk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(14)) + "-b";

    /// <summary>Parses the body of a message whose Content-Type is multipart.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The body.</returns>
    /// <exception cref="SipParseException">Not multipart, no boundary, or malformed.</exception>
    public static SipMultipartBody FromMessage(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        SipContentType? type = message.ContentType;
        if (type is null || !type.IsMultipart || type.Boundary is not { } boundary)
        {
            throw new SipParseException(SipParseError.BadMultipart, "The message body is not multipart with a boundary.", SipHeaderNames.ContentType);
        }

        return Parse(message.Body.Span, boundary);
    }

    /// <summary>Parses a multipart body.</summary>
    /// <param name="body">The body bytes.</param>
    /// <param name="boundary">The boundary from the Content-Type.</param>
    /// <returns>The body.</returns>
    /// <exception cref="SipParseException">Malformed body.</exception>
    public static SipMultipartBody Parse(ReadOnlySpan<byte> body, string boundary) =>
        TryParse(body, boundary, out SipMultipartBody? result, out string? error) ? result : throw new SipParseException(SipParseError.BadMultipart, error);

    /// <summary>Tries to parse a multipart body.</summary>
    /// <param name="body">The body bytes.</param>
    /// <param name="boundary">The boundary from the Content-Type.</param>
    /// <param name="result">The body, or null.</param>
    /// <param name="error">Why it failed, or null.</param>
    /// <returns>True on success.</returns>
    public static bool TryParse(ReadOnlySpan<byte> body, string boundary, [NotNullWhen(true)] out SipMultipartBody? result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        result = null;
        if (!IsValidBoundary(boundary))
        {
            error = "The boundary is not valid.";
            return false;
        }

        // The delimiter is CRLF "--" boundary; the first one may start the body without the CRLF.
        byte[] delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        int pos;
        if (body.StartsWith(delimiter.AsSpan(2)))
        {
            pos = delimiter.Length - 2;
        }
        else
        {
            int first = body.IndexOf(delimiter);
            if (first < 0)
            {
                error = "No boundary delimiter in the body.";
                return false;
            }

            pos = first + delimiter.Length;
        }

        var parts = new List<SipBodyPart>();
        while (true)
        {
            ReadOnlySpan<byte> rest = body[pos..];
            if (rest.StartsWith("--"u8))
            {
                if (parts.Count == 0)
                {
                    error = "The body has no parts.";
                    return false;
                }

                result = new SipMultipartBody(boundary, parts);
                error = null;
                return true;
            }

            // Transport padding (linear whitespace) may follow a delimiter before its CRLF.
            int lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd < 0 || !rest[..lineEnd].Trim(" \t"u8).IsEmpty)
            {
                error = "A boundary delimiter is not followed by a line break.";
                return false;
            }

            int partStart = pos + lineEnd + 2;
            int next = body[partStart..].IndexOf(delimiter);
            if (next < 0)
            {
                error = "The close delimiter is missing.";
                return false;
            }

            if (parts.Count == MaxParts)
            {
                error = $"More than {MaxParts} parts.";
                return false;
            }

            if (!TryParsePart(body.Slice(partStart, next), out SipBodyPart? part, out error))
            {
                return false;
            }

            parts.Add(part);
            pos = partStart + next + delimiter.Length;
        }
    }

    /// <summary>Writes the body (no preamble or epilogue).</summary>
    /// <param name="writer">The destination.</param>
    /// <exception cref="InvalidOperationException">A part contains the boundary delimiter.</exception>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        byte[] delimiter = Encoding.ASCII.GetBytes("\r\n--" + Boundary);
        foreach (SipBodyPart part in Parts)
        {
            if (part.Content.Span.IndexOf(delimiter) >= 0)
            {
                throw new InvalidOperationException("A part contains the boundary delimiter; choose another boundary.");
            }
        }

        bool first = true;
        foreach (SipBodyPart part in Parts)
        {
            writer.Write(first ? delimiter.AsSpan(2) : delimiter);
            first = false;
            SipMessageWriter.WriteAscii(writer, "\r\n");
            foreach (SipHeader h in part.Headers)
            {
                SipMessageWriter.WriteAscii(writer, h.Name);
                SipMessageWriter.WriteAscii(writer, ": ");
                SipMessageWriter.WriteText(writer, h.Value);
                SipMessageWriter.WriteAscii(writer, "\r\n");
            }

            SipMessageWriter.WriteAscii(writer, "\r\n");
            writer.Write(part.Content.Span);
        }

        writer.Write(delimiter);
        SipMessageWriter.WriteAscii(writer, "--\r\n");
    }

    /// <summary>Serializes the body to a new array.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    internal static bool IsValidBoundary(string b)
    {
        if (b.Length is 0 or > 70 || b[^1] == ' ')
        {
            return false;
        }

        foreach (char c in b)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '\'' and not '(' and not ')' and not '+' and not '_' and not ',' and not '-'
                and not '.' and not '/' and not ':' and not '=' and not '?' and not ' ')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsToken(string s) => SipGrammar.IsToken(s);

    private static bool TryParsePart(ReadOnlySpan<byte> part, [NotNullWhen(true)] out SipBodyPart? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        var headers = new List<SipHeader>(2);
        int contentStart;
        if (part.StartsWith("\r\n"u8))
        {
            contentStart = 2;
        }
        else
        {
            int end = part.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                error = "A part's header section does not end with an empty line.";
                return false;
            }

            ReadOnlySpan<byte> head = part[..(end + 2)];
            if (SipMessageParser.CheckCharacters(head) is { } bad)
            {
                error = "A part header: " + bad;
                return false;
            }

            int p = 0;
            while (p < head.Length)
            {
                int e = p + head[p..].IndexOf("\r\n"u8);
                while (e + 2 < head.Length && head[e + 2] is (byte)' ' or (byte)'\t')
                {
                    e = e + 2 + head[(e + 2)..].IndexOf("\r\n"u8);
                }

                ReadOnlySpan<byte> line = head[p..e];
                p = e + 2;
                int colon = line.IndexOf((byte)':');
                ReadOnlySpan<byte> name = colon < 0 ? default : line[..colon].TrimEnd(" \t"u8);
                if (colon < 0 || !SipMessageParser.IsToken(name))
                {
                    error = "A part header line has no colon or its name is not a token.";
                    return false;
                }

                headers.Add(SipHeader.CreateTrusted(SipHeaderNames.Canonical(name), SipMessageParser.Unfold(line[(colon + 1)..])));
            }

            contentStart = end + 4;
        }

        result = new SipBodyPart(headers, part[contentStart..].ToArray());
        error = null;
        return true;
    }
}
