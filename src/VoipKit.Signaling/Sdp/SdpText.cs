using System.Buffers.Text;
using System.Text;

namespace VoipKit.Signaling.Sdp;

/// <summary>Byte-level helpers of the SDP parser: tokens, numbers and strings from UTF-8 spans, failing with <see cref="SdpParseException"/>.</summary>
internal static class SdpText
{
    /// <summary>Splits off the next space-separated token (runs of spaces count as one separator, a lenience for sloppy peers).</summary>
    public static ReadOnlySpan<byte> NextToken(ref ReadOnlySpan<byte> rest)
    {
        rest = rest.TrimStart((byte)' ');
        var end = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> token;
        if (end < 0)
        {
            token = rest;
            rest = default;
        }
        else
        {
            token = rest[..end];
            rest = rest[(end + 1)..];
        }

        return token;
    }

    /// <summary>The next token, which must be present.</summary>
    public static ReadOnlySpan<byte> RequiredToken(ref ReadOnlySpan<byte> rest, int line, string what)
    {
        var token = NextToken(ref rest);
        return token.IsEmpty ? throw new SdpParseException(line, $"missing {what}") : token;
    }

    /// <summary>Fails when anything but spaces is left on the line.</summary>
    public static void End(ReadOnlySpan<byte> rest, int line, string what)
    {
        if (!rest.TrimStart((byte)' ').IsEmpty)
        {
            throw new SdpParseException(line, $"unexpected text after {what}");
        }
    }

    /// <summary>A decimal integer of digits only (no sign, no spaces) in [min, max].</summary>
    public static int Int(ReadOnlySpan<byte> token, int min, int max, int line, string what)
    {
        var v = ULong(token, line, what);
        return v < (ulong)min || v > (ulong)max ? throw new SdpParseException(line, $"{what} out of range {min}-{max}") : (int)v;
    }

    /// <summary>A decimal unsigned 64-bit integer of digits only.</summary>
    public static ulong ULong(ReadOnlySpan<byte> token, int line, string what)
    {
        if (token.IsEmpty || token.Length > 20 || !AllDigits(token)
            || !Utf8Parser.TryParse(token, out ulong value, out var consumed) || consumed != token.Length)
        {
            throw new SdpParseException(line, $"{what} is not a valid number");
        }

        return value;
    }

    /// <summary>Whether every byte is an ASCII digit.</summary>
    public static bool AllDigits(ReadOnlySpan<byte> token)
    {
        foreach (var b in token)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return !token.IsEmpty;
    }

    /// <summary>Decodes UTF-8 (the whole input was validated as UTF-8 before parsing).</summary>
    public static string Str(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Matches an ASCII literal ignoring case.</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> bytes, string literal) => Ascii.EqualsIgnoreCase(bytes, literal);
}
