using System.Net;
using System.Net.Sockets;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Sip;

/// <summary>
/// Turns a URI or a Via into a flow: the maddr or host (an IP literal, else A/AAAA, IPv4 preferred; no NAPTR/SRV), the
/// port or 5060, and the transport parameter. Null when the host does not resolve or the transport is not served.
/// </summary>
internal static class SipNextHop
{
    public static ValueTask<SipFlow?> FromUriAsync(SipUri uri, ISipServerSender sender, CancellationToken cancellationToken)
    {
        if (!uri.IsSip)
        {
            return ValueTask.FromResult<SipFlow?>(null);
        }

        bool tcp = string.Equals(uri.Transport, "tcp", StringComparison.OrdinalIgnoreCase);
        return ResolveAsync(uri.GetParameter("maddr") ?? uri.Host, uri.Port ?? 5060, tcp, sender, cancellationToken);
    }

    /// <summary>Where a response goes (RFC 3261 18.2.2, RFC 3581): the Via's received/rport, else its sent-by.</summary>
    public static ValueTask<SipFlow?> FromViaAsync(SipVia via, ISipServerSender sender, CancellationToken cancellationToken)
    {
        bool tcp = string.Equals(via.Transport, "TCP", StringComparison.OrdinalIgnoreCase);
        return ResolveAsync(via.Received ?? via.Host, via.RPort ?? via.Port ?? 5060, tcp, sender, cancellationToken);
    }

    private static async ValueTask<SipFlow?> ResolveAsync(string host, int port, bool tcp, ISipServerSender sender, CancellationToken cancellationToken)
    {
        SipTransportProtocol protocol = tcp ? SipTransportProtocol.Tcp : SipTransportProtocol.Udp;
        if (!sender.Supports(protocol))
        {
            return null;
        }

        host = host.Trim('[', ']');
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return new SipFlow(protocol, new IPEndPoint(literal, port));
        }

        try
        {
            IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            IPAddress? chosen = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null ? null : new SipFlow(protocol, new IPEndPoint(chosen, port));
        }
        catch (SocketException)
        {
            return null; // no such host
        }
    }
}
