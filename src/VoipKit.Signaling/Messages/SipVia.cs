using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace VoipKit.Signaling.Messages;

/// <summary>One Via entry (RFC 3261 20.42) with branch, and received/rport (RFC 3581). Immutable.</summary>
public sealed class SipVia
{
    private static readonly SipParameter[] s_none = [];

    /// <summary>Creates a Via entry <c>SIP/2.0/transport host[:port];params</c>.</summary>
    /// <param name="transport">UDP, TCP, TLS, WS, WSS...</param>
    /// <param name="host">The sent-by host.</param>
    /// <param name="port">The sent-by port, or null.</param>
    /// <param name="parameters">Parameters such as <c>branch</c> and <c>rport</c>.</param>
    public SipVia(string transport, string host, int? port, IReadOnlyList<SipParameter>? parameters)
        : this("SIP", "2.0", transport, host, port, parameters)
    {
    }

    private SipVia(string protocolName, string protocolVersion, string transport, string host, int? port, IReadOnlyList<SipParameter>? parameters)
    {
        ProtocolName = protocolName;
        ProtocolVersion = protocolVersion;
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters ?? s_none;
    }

    /// <summary>The protocol name, <c>SIP</c>.</summary>
    public string ProtocolName { get; }

    /// <summary>The protocol version, <c>2.0</c>.</summary>
    public string ProtocolVersion { get; }

    /// <summary>The transport token as written (UDP, TCP, TLS, SCTP, WS, WSS or an extension).</summary>
    public string Transport { get; }

    /// <summary>The sent-by host.</summary>
    public string Host { get; }

    /// <summary>The sent-by port, or null.</summary>
    public int? Port { get; }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<SipParameter> Parameters { get; }

    /// <summary>The branch parameter, or null.</summary>
    public string? Branch => SipParameters.Get(Parameters, "branch");

    /// <summary>The received parameter, or null.</summary>
    public string? Received => SipParameters.Get(Parameters, "received");

    /// <summary>Whether an rport parameter is present, with or without a value (RFC 3581).</summary>
    public bool HasRPort => SipParameters.Has(Parameters, "rport");

    /// <summary>The rport value, or null when absent or empty (a request asking for it).</summary>
    public int? RPort => SipGrammar.TryParseDigits(SipParameters.Get(Parameters, "rport"), 65535, out long v) ? (int)v : null;

    /// <summary>Parses one Via entry.</summary>
    /// <param name="text">The text.</param>
    /// <param name="via">The entry, or null.</param>
    /// <returns>False when malformed.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out SipVia? via)
    {
        via = null;
        ReadOnlySpan<char> s = SipGrammar.TrimWhitespace(text);

        // sent-protocol: name SLASH version SLASH transport, whitespace allowed around the slashes.
        var parts = new string[3];
        for (int k = 0; k < 3; k++)
        {
            int start = 0;
            int end = 0;
            while (end < s.Length && SipGrammar.IsTokenChar(s[end]))
            {
                end++;
            }

            if (end == start)
            {
                return false;
            }

            parts[k] = SipGrammar.Intern(s[start..end]);
            s = s[end..];
            if (k == 2 && (s.IsEmpty || !SipGrammar.IsWhitespace(s[0])))
            {
                return false;
            }

            s = s.TrimStart(" \t");
            if (k < 2)
            {
                if (s.IsEmpty || s[0] != '/')
                {
                    return false;
                }

                s = s[1..].TrimStart(" \t");
            }
        }

        int semi = s.IndexOf(';');
        ReadOnlySpan<char> sentBy = SipGrammar.TrimWhitespace(semi < 0 ? s : s[..semi]);
        int portSep = sentBy.Length > 0 && sentBy[0] == '[' ? sentBy.IndexOf(']') + 1 : sentBy.IndexOf(':');
        ReadOnlySpan<char> host = portSep <= 0 || portSep >= sentBy.Length ? sentBy : sentBy[..portSep];
        int? port = null;
        if (portSep > 0 && portSep < sentBy.Length)
        {
            ReadOnlySpan<char> portText = SipGrammar.TrimWhitespace(sentBy[(portSep + 1)..]);
            if (sentBy[portSep] != ':' || !SipGrammar.TryParseDigits(portText, 65535, out long p))
            {
                return false;
            }

            port = (int)p;
            host = SipGrammar.TrimWhitespace(host);
        }

        if (!SipGrammar.IsHost(host))
        {
            return false;
        }

        List<SipParameter>? parameters = null;
        if (semi >= 0 && !SipParameters.TryParseHeaderParams(s[semi..], out parameters))
        {
            return false;
        }

        via = new SipVia(parts[0], parts[1], parts[2], host.ToString(), port, parameters);
        return true;
    }

    internal static bool TryParseList(string text, out List<SipVia> list) => SipGrammar.TryParseList<SipVia>(text, TryParse, out list);

    /// <summary>The entry as written: <c>SIP/2.0/UDP host:port;params</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(64);
        sb.Append(ProtocolName).Append('/').Append(ProtocolVersion).Append('/').Append(Transport).Append(' ').Append(Host);
        if (Port is not null)
        {
            sb.Append(':').Append(Port.Value.ToString(CultureInfo.InvariantCulture));
        }

        SipParameters.Append(sb, Parameters, ';');
        return sb.ToString();
    }
}
