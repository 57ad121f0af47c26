using System.Buffers;
using System.Text;

namespace VoipKit.Signaling.Sdp;

/// <summary>
/// An ICE candidate (RFC 8839 section 5.1):
/// <c>candidate:&lt;foundation&gt; &lt;component&gt; &lt;transport&gt; &lt;priority&gt; &lt;address&gt; &lt;port&gt; typ &lt;type&gt; [raddr &lt;a&gt;] [rport &lt;p&gt;] *(&lt;name&gt; &lt;value&gt;)</c>.
/// </summary>
public sealed record IceCandidate
{
    /// <summary>The foundation, 1–32 ice-chars.</summary>
    public required string Foundation { get; init; }

    /// <summary>The component id, 1–256 (1 RTP, 2 RTCP).</summary>
    public int Component { get; init; } = 1;

    /// <summary>The transport as written (<c>UDP</c>, or <c>TCP</c> with a <c>tcptype</c> extension); compared case-insensitively.</summary>
    public string Transport { get; init; } = "UDP";

    /// <summary>The priority, 1–4294967295.</summary>
    public uint Priority { get; init; }

    /// <summary>The address: an IPv4/IPv6 address, or a host name (mDNS <c>.local</c> names from browsers).</summary>
    public required string Address { get; init; }

    /// <summary>The port, 0–65535.</summary>
    public int Port { get; init; }

    /// <summary>The candidate type.</summary>
    public IceCandidateType Type { get; init; }

    /// <summary>The related address (<c>raddr</c>) of a reflexive or relayed candidate, or null.</summary>
    public string? RelatedAddress { get; init; }

    /// <summary>The related port (<c>rport</c>), or null.</summary>
    public int? RelatedPort { get; init; }

    /// <summary>Extension attributes after the standard fields, in order.</summary>
    public IReadOnlyList<IceCandidateExtension> Extensions { get; init; } = [];

    /// <summary>Parses a candidate as trickled outside SDP (RFC 8840): with or without a leading <c>a=</c> and <c>candidate:</c>.</summary>
    /// <param name="text">The candidate text.</param>
    /// <returns>The candidate.</returns>
    /// <exception cref="SdpParseException">The text is not a valid candidate.</exception>
    public static IceCandidate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.AsSpan().Trim();
        if (s.StartsWith("a=", StringComparison.Ordinal))
        {
            s = s[2..];
        }

        if (s.StartsWith("candidate:", StringComparison.Ordinal))
        {
            s = s["candidate:".Length..];
        }

        var bytes = Encoding.UTF8.GetBytes(s.ToString());
        return Parse(bytes, 0);
    }

    /// <summary>The candidate as written after <c>a=</c>, starting with <c>candidate:</c>.</summary>
    /// <returns>The candidate attribute text.</returns>
    public override string ToString()
    {
        var w = new ArrayBufferWriter<byte>(128);
        SdpOutput.Write(w, "candidate:");
        WriteValue(w);
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }

    internal static IceCandidate Parse(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var foundation = SdpText.RequiredToken(ref rest, line, "candidate foundation");
        if (foundation.Length > 32 || !IsIceChars(foundation))
        {
            throw new SdpParseException(line, "candidate foundation must be 1-32 ice-chars");
        }

        var component = SdpText.Int(SdpText.RequiredToken(ref rest, line, "candidate component"), 1, 256, line, "candidate component");
        var transport = SdpText.RequiredToken(ref rest, line, "candidate transport");
        var priority = SdpText.ULong(SdpText.RequiredToken(ref rest, line, "candidate priority"), line, "candidate priority");
        if (priority is 0 or > uint.MaxValue)
        {
            throw new SdpParseException(line, "candidate priority out of range 1-4294967295");
        }

        var address = SdpText.RequiredToken(ref rest, line, "candidate address");
        var port = SdpText.Int(SdpText.RequiredToken(ref rest, line, "candidate port"), 0, 65535, line, "candidate port");
        if (!SdpText.RequiredToken(ref rest, line, "candidate typ").SequenceEqual("typ"u8))
        {
            throw new SdpParseException(line, "candidate lacks 'typ'");
        }

        var typeToken = SdpText.RequiredToken(ref rest, line, "candidate type");
        IceCandidateType type = typeToken switch
        {
            _ when typeToken.SequenceEqual("host"u8) => IceCandidateType.Host,
            _ when typeToken.SequenceEqual("srflx"u8) => IceCandidateType.ServerReflexive,
            _ when typeToken.SequenceEqual("prflx"u8) => IceCandidateType.PeerReflexive,
            _ when typeToken.SequenceEqual("relay"u8) => IceCandidateType.Relayed,
            _ => throw new SdpParseException(line, "unknown candidate type"),
        };

        string? raddr = null;
        int? rport = null;
        List<IceCandidateExtension>? extensions = null;
        while (true)
        {
            var name = SdpText.NextToken(ref rest);
            if (name.IsEmpty)
            {
                break;
            }

            var val = SdpText.RequiredToken(ref rest, line, "candidate extension value");
            if (extensions is null && name.SequenceEqual("raddr"u8) && raddr is null && rport is null)
            {
                raddr = SdpText.Str(val);
            }
            else if (extensions is null && name.SequenceEqual("rport"u8) && rport is null)
            {
                rport = SdpText.Int(val, 0, 65535, line, "candidate rport");
            }
            else
            {
                extensions ??= [];
                extensions.Add(new IceCandidateExtension { Name = SdpText.Str(name), Value = SdpText.Str(val) });
            }
        }

        return new IceCandidate
        {
            Foundation = SdpText.Str(foundation),
            Component = component,
            Transport = SdpText.Str(transport),
            Priority = (uint)priority,
            Address = SdpText.Str(address),
            Port = port,
            Type = type,
            RelatedAddress = raddr,
            RelatedPort = rport,
            Extensions = extensions ?? (IReadOnlyList<IceCandidateExtension>)[],
        };
    }

    internal void WriteValue(IBufferWriter<byte> w)
    {
        SdpOutput.Write(w, Foundation);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, (ulong)Component);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, Transport);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, (ulong)Priority);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, Address);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, (ulong)Port);
        SdpOutput.Write(w, Type switch
        {
            IceCandidateType.Host => " typ host",
            IceCandidateType.ServerReflexive => " typ srflx",
            IceCandidateType.PeerReflexive => " typ prflx",
            _ => " typ relay",
        });
        if (RelatedAddress is not null)
        {
            SdpOutput.Write(w, " raddr ");
            SdpOutput.Write(w, RelatedAddress);
        }

        if (RelatedPort is int rport)
        {
            SdpOutput.Write(w, " rport ");
            SdpOutput.Write(w, (ulong)rport);
        }

        foreach (var e in Extensions)
        {
            SdpOutput.Write(w, ' ');
            SdpOutput.Write(w, e.Name);
            SdpOutput.Write(w, ' ');
            SdpOutput.Write(w, e.Value);
        }
    }

    /// <summary>ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 section 5.1).</summary>
    internal static bool IsIceChars(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (!(b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/'))
            {
                return false;
            }
        }

        return !s.IsEmpty;
    }
}
