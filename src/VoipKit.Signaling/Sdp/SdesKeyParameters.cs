using System.Security.Cryptography;

namespace VoipKit.Signaling.Sdp;

/// <summary>
/// One <c>inline:</c> key parameter of an SDES crypto attribute (RFC 4568 section 6.1):
/// <c>inline:&lt;base64 key||salt&gt;[|lifetime][|MKI:length]</c>. The key is a secret: never log it, and call
/// <see cref="Clear"/> once it has been handed to the SRTP layer.
/// </summary>
public sealed class SdesKeyParameters
{
    /// <summary>The master key followed by the master salt (30 bytes for AES_CM_128_HMAC_SHA1_80, 28 for AEAD_AES_128_GCM...).</summary>
    public required byte[] KeySalt { get; init; }

    /// <summary>The master key lifetime as written: <c>2^n</c> or a decimal packet count; null when absent.</summary>
    public string? Lifetime { get; init; }

    /// <summary>The MKI value, or null when the key has no MKI.</summary>
    public ulong? Mki { get; init; }

    /// <summary>The MKI length in bytes, 1–128, or null when the key has no MKI.</summary>
    public int? MkiLength { get; init; }

    /// <summary>The lifetime as a packet count, or null when absent.</summary>
    public ulong? LifetimePackets => Lifetime is null ? null
        : Lifetime.StartsWith("2^", StringComparison.Ordinal) ? 1UL << int.Parse(Lifetime.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture)
        : ulong.Parse(Lifetime, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Overwrites the key material with zeros.</summary>
    public void Clear() => CryptographicOperations.ZeroMemory(KeySalt);

    /// <summary>A description without the key material.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"inline:<{KeySalt.Length} bytes redacted>";

    internal static SdesKeyParameters Parse(ReadOnlySpan<byte> token, int line)
    {
        if (!token.StartsWith("inline:"u8))
        {
            throw new SdpParseException(line, "crypto key method must be 'inline'");
        }

        var rest = token["inline:".Length..];
        var bar = rest.IndexOf((byte)'|');
        var keyText = bar < 0 ? rest : rest[..bar];
        rest = bar < 0 ? default : rest[(bar + 1)..];
        var key = DecodeBase64(keyText, line);
        string? lifetime = null;
        ulong? mki = null;
        int? mkiLength = null;
        var part = 0;
        while (!rest.IsEmpty || (bar >= 0 && part == 0))
        {
            part++;
            if (part > 2)
            {
                throw new SdpParseException(line, "too many '|' fields in crypto key");
            }

            bar = rest.IndexOf((byte)'|');
            var field = bar < 0 ? rest : rest[..bar];
            rest = bar < 0 ? default : rest[(bar + 1)..];
            if (bar >= 0 && rest.IsEmpty)
            {
                throw new SdpParseException(line, "empty field in crypto key");
            }

            var colon = field.IndexOf((byte)':');
            if (colon >= 0)
            {
                if (mki is not null)
                {
                    throw new SdpParseException(line, "two MKI fields in crypto key");
                }

                mki = SdpText.ULong(field[..colon], line, "crypto MKI value");
                mkiLength = SdpText.Int(field[(colon + 1)..], 1, 128, line, "crypto MKI length");
            }
            else
            {
                if (lifetime is not null || mki is not null)
                {
                    throw new SdpParseException(line, "misplaced crypto key lifetime");
                }

                lifetime = ParseLifetime(field, line);
            }
        }

        return new SdesKeyParameters { KeySalt = key, Lifetime = lifetime, Mki = mki, MkiLength = mkiLength };
    }

    internal void Write(System.Buffers.IBufferWriter<byte> w)
    {
        SdpOutput.Write(w, "inline:");
        SdpOutput.Write(w, Convert.ToBase64String(KeySalt));
        if (Lifetime is not null)
        {
            SdpOutput.Write(w, '|');
            SdpOutput.Write(w, Lifetime);
        }

        if (Mki is ulong m)
        {
            SdpOutput.Write(w, '|');
            SdpOutput.Write(w, m);
            SdpOutput.Write(w, ':');
            SdpOutput.Write(w, (ulong)(MkiLength ?? 1));
        }
    }

    private static string ParseLifetime(ReadOnlySpan<byte> field, int line)
    {
        if (field.StartsWith("2^"u8))
        {
            var exponent = SdpText.Int(field[2..], 1, 63, line, "crypto lifetime exponent");
            return "2^" + exponent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var v = SdpText.ULong(field, line, "crypto lifetime");
        return v == 0 ? throw new SdpParseException(line, "crypto lifetime must not be 0") : SdpText.Str(field);
    }

    private static byte[] DecodeBase64(ReadOnlySpan<byte> text, int line)
    {
        // Strict base64 (no whitespace, canonical padding bits) so that a parsed key always serializes identically;
        // missing '=' padding is accepted because some peers leave it out.
        if (text.IsEmpty || text.Length > 256 || text.Length % 4 == 1)
        {
            throw new SdpParseException(line, "crypto key is not valid base64");
        }

        Span<char> chars = stackalloc char[260];
        Span<char> check = stackalloc char[260];
        var key = new byte[(text.Length + 3) / 4 * 3];
        try
        {
            var n = 0;
            var padding = 0;
            foreach (var b in text)
            {
                var ok = b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/';
                if (b == (byte)'=')
                {
                    padding++;
                }
                else if (!ok || padding > 0)
                {
                    throw new SdpParseException(line, "crypto key is not valid base64");
                }

                chars[n++] = (char)b;
            }

            while (n % 4 != 0)
            {
                chars[n++] = '=';
            }

            if (padding > 2 || !Convert.TryFromBase64Chars(chars[..n], key, out var written))
            {
                throw new SdpParseException(line, "crypto key is not valid base64");
            }

            if (!Convert.TryToBase64Chars(key.AsSpan(0, written), check, out var checkLength) || !check[..checkLength].SequenceEqual(chars[..n]))
            {
                throw new SdpParseException(line, "crypto key is not canonical base64");
            }

            return key.AsSpan(0, written).ToArray();
        }
        finally
        {
            // Key material never lingers in scratch buffers, also when the input is rejected.
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(check));
        }
    }
}
