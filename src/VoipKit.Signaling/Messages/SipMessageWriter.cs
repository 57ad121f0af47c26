using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace VoipKit.Signaling.Messages;

/// <summary>Writes SIP messages as UTF-8 to an <see cref="IBufferWriter{T}"/>.</summary>
internal static class SipMessageWriter
{
    public static void Write(SipMessage message, IBufferWriter<byte> writer)
    {
        message.WriteStartLine(writer);
        WriteAscii(writer, "\r\n");
        bool wroteLength = false;
        foreach (SipHeader h in message.HeaderList)
        {
            WriteAscii(writer, h.Name);
            WriteAscii(writer, ": ");
            if (string.Equals(h.Name, SipHeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                // Framing comes from the body actually sent, never from a stale field.
                if (wroteLength)
                {
                    continue;
                }

                WriteNumber(writer, message.Body.Length);
                wroteLength = true;
            }
            else
            {
                WriteText(writer, h.Value);
            }

            WriteAscii(writer, "\r\n");
        }

        if (!wroteLength)
        {
            WriteAscii(writer, "Content-Length: ");
            WriteNumber(writer, message.Body.Length);
            WriteAscii(writer, "\r\n");
        }

        WriteAscii(writer, "\r\n");
        writer.Write(message.Body.Span);
    }

    public static void WriteAscii(IBufferWriter<byte> writer, string s)
    {
        Span<byte> span = writer.GetSpan(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            span[i] = (byte)s[i];
        }

        writer.Advance(s.Length);
    }

    public static void WriteText(IBufferWriter<byte> writer, string s)
    {
        Span<byte> span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length));
        writer.Advance(Encoding.UTF8.GetBytes(s, span));
    }

    public static void WriteNumber(IBufferWriter<byte> writer, int value)
    {
        Span<byte> span = writer.GetSpan(11);
        Utf8Formatter.TryFormat(value, span, out int written);
        writer.Advance(written);
    }
}
