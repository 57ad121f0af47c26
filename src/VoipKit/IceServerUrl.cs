using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VoipKit;

/// <summary>A parsed <c>stun:</c>/<c>stuns:</c> (RFC 7064) or <c>turn:</c>/<c>turns:</c> (RFC 7065) URL.</summary>
internal sealed record IceServerUrl(bool IsTurn, bool Secure, string Host, int Port, string Transport)
{
    public static bool TryParse(string? url, [NotNullWhen(true)] out IceServerUrl? result)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        int colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        string scheme = url[..colon].ToLowerInvariant();
        (bool turn, bool secure) = scheme switch
        {
            "stun" => (false, false),
            "stuns" => (false, true),
            "turn" => (true, false),
            "turns" => (true, true),
            _ => (false, false),
        };
        if (scheme is not ("stun" or "stuns" or "turn" or "turns"))
        {
            return false;
        }

        string rest = url[(colon + 1)..];
        string transport = secure ? "tcp" : "udp";
        int query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            string q = rest[(query + 1)..];
            rest = rest[..query];
            if (!turn || !q.StartsWith("transport=", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            transport = q["transport=".Length..].ToLowerInvariant();
            if (transport is not ("udp" or "tcp"))
            {
                return false;
            }
        }

        string host = rest;
        int port = secure ? 5349 : 3478;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = rest[1..close];
            string after = rest[(close + 1)..];
            if (after.Length > 0 && (!after.StartsWith(':') || !int.TryParse(after[1..], NumberStyles.None, CultureInfo.InvariantCulture, out port)))
            {
                return false;
            }
        }
        else if (rest.LastIndexOf(':') is int p and > 0)
        {
            host = rest[..p];
            if (!int.TryParse(rest[(p + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return false;
            }
        }

        if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal) || host.Contains('@', StringComparison.Ordinal) || port is < 1 or > 65535)
        {
            return false;
        }

        result = new IceServerUrl(turn, secure, host, port, transport);
        return true;
    }
}
