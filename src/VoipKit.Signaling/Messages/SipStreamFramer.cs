using System.Buffers;
using System.Text;

namespace VoipKit.Signaling.Messages;

/// <summary>
/// Cuts SIP messages out of a TCP or TLS byte stream (RFC 3261 18.3): the header section ends at the first empty line,
/// then Content-Length bytes of body follow. Keep-alive CRLFs between messages (RFC 5626) are reported separately.
/// Never buffers more than <see cref="MaxMessageSize"/>: a larger message is an error and the connection should be closed.
/// </summary>
public sealed class SipStreamFramer
{
    /// <summary>Creates a framer.</summary>
    /// <param name="maxMessageSize">The largest message accepted, 64 KiB by default.</param>
    public SipStreamFramer(int maxMessageSize = SipParseOptions.DefaultMaxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 16);
        MaxMessageSize = maxMessageSize;
    }

    /// <summary>The largest message accepted, headers and body.</summary>
    public int MaxMessageSize { get; }

    /// <summary>
    /// Looks at the start of <paramref name="buffer"/>. On <see cref="SipFrameStatus.Message"/> the message is cut off into
    /// <paramref name="message"/>; on the keep-alive results the CRLFs are consumed; on NeedMoreData and the errors the buffer
    /// is left as it was.
    /// </summary>
    /// <param name="buffer">The received, not yet consumed bytes; advanced past what was consumed.</param>
    /// <param name="message">The message bytes (a slice of the input) when the result is Message.</param>
    /// <returns>The result.</returns>
    public SipFrameStatus TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> message)
    {
        message = default;
        if (buffer.IsEmpty)
        {
            return SipFrameStatus.NeedMoreData;
        }

        Span<byte> first = stackalloc byte[4];
        int have = (int)Math.Min(4, buffer.Length);
        buffer.Slice(0, have).CopyTo(first);
        if (first[0] == '\r')
        {
            // A ping is CRLFCRLF, a pong a single CRLF. A lone CRLF at the end of the buffer is taken as a pong:
            // a ping split after its first CRLF then reads as two pongs, which is harmless.
            if (have >= 2 && first[1] == '\n')
            {
                if (have == 4 && first[2] == '\r' && first[3] == '\n')
                {
                    buffer = buffer.Slice(4);
                    return SipFrameStatus.KeepAlivePing;
                }

                if (have == 3 && first[2] == '\r')
                {
                    return SipFrameStatus.NeedMoreData;
                }

                buffer = buffer.Slice(2);
                return SipFrameStatus.KeepAlivePong;
            }

            if (have == 1)
            {
                return SipFrameStatus.NeedMoreData;
            }
        }

        ReadOnlySequence<byte> window = buffer.Length > MaxMessageSize ? buffer.Slice(0, MaxMessageSize) : buffer;
        var reader = new SequenceReader<byte>(window);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, "\r\n\r\n"u8, advancePastDelimiter: true))
        {
            return buffer.Length >= MaxMessageSize ? SipFrameStatus.MessageTooLarge : SipFrameStatus.NeedMoreData;
        }

        long headerLength = head.Length + 4;
        SipFrameStatus status;
        int contentLength;
        if (head.IsSingleSegment)
        {
            status = FindContentLength(head.FirstSpan, out contentLength);
        }
        else
        {
            byte[] copy = ArrayPool<byte>.Shared.Rent((int)head.Length);
            head.CopyTo(copy);
            status = FindContentLength(copy.AsSpan(0, (int)head.Length), out contentLength);
            ArrayPool<byte>.Shared.Return(copy);
        }

        if (status != SipFrameStatus.Message)
        {
            return status;
        }

        long total = headerLength + contentLength;
        if (total > MaxMessageSize)
        {
            return SipFrameStatus.MessageTooLarge;
        }

        if (buffer.Length < total)
        {
            return SipFrameStatus.NeedMoreData;
        }

        message = buffer.Slice(0, total);
        buffer = buffer.Slice(total);
        return SipFrameStatus.Message;
    }

    /// <summary>Finds Content-Length (or compact <c>l</c>) in a header section without allocating.</summary>
    private static SipFrameStatus FindContentLength(ReadOnlySpan<byte> head, out int length)
    {
        length = -1;
        int lineStart = head.IndexOf("\r\n"u8);
        while (lineStart >= 0)
        {
            lineStart += 2;
            ReadOnlySpan<byte> rest = head[lineStart..];
            int lineEnd = rest.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = lineEnd < 0 ? rest : rest[..lineEnd];
            int colon = line.IndexOf((byte)':');
            if (colon > 0)
            {
                ReadOnlySpan<byte> name = line[..colon].TrimEnd(" \t"u8);
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) || Ascii.EqualsIgnoreCase(name, "l"u8))
                {
                    ReadOnlySpan<byte> value = line[(colon + 1)..].Trim(" \t"u8);
                    int v = 0;
                    if (value.IsEmpty || value.Length > 10)
                    {
                        return SipFrameStatus.BadContentLength;
                    }

                    foreach (byte c in value)
                    {
                        if (c is < (byte)'0' or > (byte)'9')
                        {
                            return SipFrameStatus.BadContentLength;
                        }

                        long next = ((long)v * 10) + (c - '0');
                        if (next > int.MaxValue)
                        {
                            return SipFrameStatus.BadContentLength;
                        }

                        v = (int)next;
                    }

                    if (length >= 0 && length != v)
                    {
                        return SipFrameStatus.BadContentLength;
                    }

                    length = v;
                }
            }

            lineStart = lineEnd < 0 ? -1 : lineStart + lineEnd;
        }

        return length < 0 ? SipFrameStatus.MissingContentLength : SipFrameStatus.Message;
    }
}
