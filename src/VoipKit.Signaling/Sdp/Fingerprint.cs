using System.Buffers;

namespace VoipKit.Signaling.Sdp;

/// <summary>A DTLS certificate fingerprint, <c>a=fingerprint:sha-256 AB:CD:...</c> (RFC 8122, used by RFC 8842).</summary>
public sealed record Fingerprint
{
    /// <summary>The hash function name in lower case (<c>sha-256</c>, <c>sha-1</c>...).</summary>
    public required string HashFunction { get; init; }

    /// <summary>The fingerprint bytes.</summary>
    public required byte[] Value { get; init; }

    /// <summary>The attribute value: the hash name and upper-case hex bytes separated by colons.</summary>
    /// <returns>For example <c>sha-256 AB:CD:...</c>.</returns>
    public override string ToString() => HashFunction + " " + string.Join(':', Value.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    internal static Fingerprint Parse(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var hashToken = SdpText.RequiredToken(ref rest, line, "fingerprint hash function");
        var hex = SdpText.RequiredToken(ref rest, line, "fingerprint value");
        SdpText.End(rest, line, "fingerprint");
        var hash = SdpText.Str(hashToken).ToLowerInvariant();
        if ((hex.Length + 1) % 3 != 0 || hex.Length > 3 * 64)
        {
            throw new SdpParseException(line, "fingerprint is not colon-separated hex bytes");
        }

        var bytes = new byte[(hex.Length + 1) / 3];
        for (var i = 0; i < bytes.Length; i++)
        {
            var hi = Hex(hex[i * 3]);
            var lo = Hex(hex[(i * 3) + 1]);
            if (hi < 0 || lo < 0 || (i < bytes.Length - 1 && hex[(i * 3) + 2] != (byte)':'))
            {
                throw new SdpParseException(line, "fingerprint is not colon-separated hex bytes");
            }

            bytes[i] = (byte)((hi << 4) | lo);
        }

        int? expected = hash switch
        {
            "md5" => 16,
            "sha-1" => 20,
            "sha-224" => 28,
            "sha-256" => 32,
            "sha-384" => 48,
            "sha-512" => 64,
            _ => null,
        };
        if (expected is int e && e != bytes.Length)
        {
            throw new SdpParseException(line, $"{hash} fingerprint must be {e} bytes");
        }

        return new Fingerprint { HashFunction = hash, Value = bytes };
    }

    internal void WriteValue(IBufferWriter<byte> w)
    {
        SdpOutput.Write(w, HashFunction);
        SdpOutput.Write(w, ' ');
        var span = w.GetSpan(Value.Length * 3);
        for (var i = 0; i < Value.Length; i++)
        {
            span[i * 3] = (byte)"0123456789ABCDEF"[Value[i] >> 4];
            span[(i * 3) + 1] = (byte)"0123456789ABCDEF"[Value[i] & 15];
            if (i < Value.Length - 1)
            {
                span[(i * 3) + 2] = (byte)':';
            }
        }

        w.Advance(Math.Max(0, (Value.Length * 3) - 1));
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => -1,
    };
}
