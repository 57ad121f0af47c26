using System.Buffers;
using System.Globalization;
using System.Text;

namespace VoipKit.Signaling.Sdp;

/// <summary>Writes SDP text as UTF-8 into an <see cref="IBufferWriter{T}"/>.</summary>
internal static class SdpOutput
{
    public static void Write(IBufferWriter<byte> w, string text)
    {
        // No line injection: text from the model never ends a line early.
        if (text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new InvalidOperationException("SDP text must not contain CR, LF or NUL.");
        }

        var span = w.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        w.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    public static void Write(IBufferWriter<byte> w, char c)
    {
        var span = w.GetSpan(1);
        span[0] = (byte)c;
        w.Advance(1);
    }

    public static void Write(IBufferWriter<byte> w, ulong value)
    {
        var span = w.GetSpan(20);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        w.Advance(n);
    }

    public static void Write(IBufferWriter<byte> w, long value)
    {
        var span = w.GetSpan(21);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        w.Advance(n);
    }

    public static void Line(IBufferWriter<byte> w, char type, string value)
    {
        Start(w, type);
        Write(w, value);
        Crlf(w);
    }

    public static void Start(IBufferWriter<byte> w, char type)
    {
        var span = w.GetSpan(2);
        span[0] = (byte)type;
        span[1] = (byte)'=';
        w.Advance(2);
    }

    public static void Attribute(IBufferWriter<byte> w, string name)
    {
        Start(w, 'a');
        Write(w, name);
    }

    public static void Flag(IBufferWriter<byte> w, string name)
    {
        Attribute(w, name);
        Crlf(w);
    }

    public static void Crlf(IBufferWriter<byte> w)
    {
        var span = w.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        w.Advance(2);
    }
}
