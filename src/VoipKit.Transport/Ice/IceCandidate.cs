using System.Globalization;
using System.Net;
using System.Text;

namespace VoipKit.Transport.Ice;

/// <summary>
/// A UDP ICE candidate (RFC 8445 section 5.1) and its RFC 8839 text form:
/// <c>candidate:&lt;foundation&gt; &lt;component&gt; &lt;transport&gt; &lt;priority&gt; &lt;address&gt; &lt;port&gt; typ &lt;type&gt; [raddr &lt;a&gt; rport &lt;p&gt;] *(&lt;name&gt; &lt;value&gt;)</c>.
/// Transport's own type: it does not depend on the SDP model of VoipKit.Signaling.
/// </summary>
internal sealed record IceCandidate
{
    private static readonly System.Buffers.SearchValues<char> DigitsAndDots = System.Buffers.SearchValues.Create("0123456789.");

    /// <summary>The type preferences of RFC 8445 section 5.1.2.2: host 126, peer-reflexive 110, server-reflexive 100, relayed 0.</summary>
    public static int TypePreference(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => 126,
        IceCandidateType.PeerReflexive => 110,
        IceCandidateType.ServerReflexive => 100,
        _ => 0,
    };

    /// <summary>priority = 2^24·type preference + 2^8·local preference + (256 − component) (RFC 8445 section 5.1.2.1).</summary>
    public static uint ComputePriority(IceCandidateType type, int localPreference, int component)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(localPreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPreference, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(component, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(component, 256);
        return ((uint)TypePreference(type) << 24) + ((uint)localPreference << 8) + (uint)(256 - component);
    }

    /// <summary>The foundation, 1–32 ice-chars: equal for candidates of one type, base address, server and transport.</summary>
    public required string Foundation { get; init; }

    /// <summary>The component id (1: RTP, with RTCP multiplexed).</summary>
    public int Component { get; init; } = 1;

    /// <summary>The transport as written; the agent uses only UDP.</summary>
    public string Transport { get; init; } = "UDP";

    /// <summary>The priority (1 to 2^32 − 1).</summary>
    public uint Priority { get; init; }

    /// <summary>The candidate's transport address.</summary>
    public required IPEndPoint EndPoint { get; init; }

    /// <summary>The type.</summary>
    public IceCandidateType Type { get; init; }

    /// <summary>The related address (<c>raddr</c>/<c>rport</c>) of a reflexive or relayed candidate.</summary>
    public IPEndPoint? RelatedEndPoint { get; init; }

    /// <summary>Extension attributes (name, value) after the standard fields, kept in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; init; } = [];

    /// <summary>Whether the transport is UDP (compared case-insensitively).</summary>
    public bool IsUdp => string.Equals(Transport, "UDP", StringComparison.OrdinalIgnoreCase);

    /// <summary>The RFC 8839 name of a type: host, srflx, prflx, relay.</summary>
    public static string TypeName(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    /// <summary>Parses a candidate, with or without a leading <c>a=</c> and <c>candidate:</c>.</summary>
    /// <exception cref="FormatException">Not a valid candidate attribute with an IP address.</exception>
    public static IceCandidate Parse(string text) =>
        TryParse(text, out IceCandidate? candidate) ? candidate : throw new FormatException("Not a valid ICE candidate attribute.");

    /// <summary>Parses a candidate; false for anything malformed (host names, such as mDNS <c>.local</c> ones, included).</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IceCandidate? candidate)
    {
        candidate = null;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.StartsWith("a=", StringComparison.Ordinal))
        {
            s = s[2..];
        }

        if (s.StartsWith("candidate:", StringComparison.Ordinal))
        {
            s = s["candidate:".Length..];
        }

        if (s.Contains("  ", StringComparison.Ordinal))
        {
            return false; // fields are separated by exactly one SP
        }

        var reader = new Tokens(s);
        if (!reader.Next(out ReadOnlySpan<char> foundation) || foundation.Length > 32 || foundation.IndexOfAnyExcept(IceCredentials.IceCharValues) >= 0
            || !reader.Next(out ReadOnlySpan<char> componentText) || !TryDigits(componentText, 3, out ulong component) || component is < 1 or > 256
            || !reader.Next(out ReadOnlySpan<char> transport) || !IsToken(transport)
            || !reader.Next(out ReadOnlySpan<char> priorityText) || !TryDigits(priorityText, 10, out ulong priority) || priority is < 1 or > uint.MaxValue
            || !reader.Next(out ReadOnlySpan<char> addressText) || !IPAddress.TryParse(addressText, out IPAddress? address) || !LooksLikeIp(addressText)
            || !reader.Next(out ReadOnlySpan<char> portText) || !TryPort(portText, out int port)
            || !reader.Next(out ReadOnlySpan<char> typ) || !typ.SequenceEqual("typ")
            || !reader.Next(out ReadOnlySpan<char> typeText) || !TryType(typeText, out IceCandidateType type))
        {
            return false;
        }

        IPEndPoint? related = null;
        var extensions = new List<KeyValuePair<string, string>>();
        ReadOnlySpan<char> name;
        bool haveName = reader.Next(out name);
        if (haveName && name.SequenceEqual("raddr"))
        {
            if (!reader.Next(out ReadOnlySpan<char> raddr) || !IPAddress.TryParse(raddr, out IPAddress? relatedAddress) || !LooksLikeIp(raddr)
                || !reader.Next(out ReadOnlySpan<char> rport) || !rport.SequenceEqual("rport")
                || !reader.Next(out ReadOnlySpan<char> rportValue) || !TryPort(rportValue, out int relatedPort))
            {
                return false;
            }

            related = new IPEndPoint(relatedAddress, relatedPort);
            haveName = reader.Next(out name);
        }

        while (haveName)
        {
            if (!IsToken(name) || !reader.Next(out ReadOnlySpan<char> value) || !IsToken(value))
            {
                return false;
            }

            extensions.Add(new(name.ToString(), value.ToString()));
            haveName = reader.Next(out name);
        }

        candidate = new IceCandidate
        {
            Foundation = foundation.ToString(),
            Component = (int)component,
            Transport = transport.ToString(),
            Priority = (uint)priority,
            EndPoint = new IPEndPoint(address, port),
            Type = type,
            RelatedEndPoint = related,
            Extensions = extensions,
        };
        return true;
    }

    /// <summary>The attribute as written after <c>a=</c>, starting with <c>candidate:</c>.</summary>
    public override string ToString()
    {
        var b = new StringBuilder(96);
        b.Append("candidate:").Append(Foundation).Append(' ')
            .Append(Component.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Transport).Append(' ')
            .Append(Priority.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(EndPoint.Address.ToString()).Append(' ')
            .Append(EndPoint.Port.ToString(CultureInfo.InvariantCulture))
            .Append(" typ ").Append(TypeName(Type));
        if (RelatedEndPoint is not null)
        {
            b.Append(" raddr ").Append(RelatedEndPoint.Address.ToString())
                .Append(" rport ").Append(RelatedEndPoint.Port.ToString(CultureInfo.InvariantCulture));
        }

        foreach (KeyValuePair<string, string> e in Extensions)
        {
            b.Append(' ').Append(e.Key).Append(' ').Append(e.Value);
        }

        return b.ToString();
    }

    private static bool TryType(ReadOnlySpan<char> text, out IceCandidateType type)
    {
        switch (text)
        {
            case "host": type = IceCandidateType.Host; return true;
            case "srflx": type = IceCandidateType.ServerReflexive; return true;
            case "prflx": type = IceCandidateType.PeerReflexive; return true;
            case "relay": type = IceCandidateType.Relayed; return true;
            default: type = default; return false;
        }
    }

    private static bool TryDigits(ReadOnlySpan<char> text, int maxDigits, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > maxDigits)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (ulong)(c - '0');
        }

        return true;
    }

    private static bool TryPort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (!TryDigits(text, 5, out ulong value) || value > 65535)
        {
            return false;
        }

        port = (int)value;
        return true;
    }

    // IPAddress.TryParse also takes forms such as "1" or "0x7f.1" that SDP does not: dotted quad or IPv6 only.
    private static bool LooksLikeIp(ReadOnlySpan<char> text) =>
        text.Contains(':') || (text.Count('.') == 3 && text.IndexOfAnyExcept(DigitsAndDots) < 0);

    private static bool IsToken(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    /// <summary>Splits on single spaces; empty tokens (double spaces) are malformed.</summary>
    private ref struct Tokens(ReadOnlySpan<char> text)
    {
        private ReadOnlySpan<char> _rest = text;
        private bool _done = text.IsEmpty;

        public bool Next(out ReadOnlySpan<char> token)
        {
            token = default;
            if (_done)
            {
                return false;
            }

            int space = _rest.IndexOf(' ');
            if (space < 0)
            {
                token = _rest;
                _done = true;
            }
            else
            {
                token = _rest[..space];
                _rest = _rest[(space + 1)..];
            }

            return !token.IsEmpty;
        }
    }
}
