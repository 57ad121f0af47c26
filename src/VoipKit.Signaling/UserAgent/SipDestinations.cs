using System.Globalization;
using System.Net;
using System.Net.Sockets;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// Where a request goes and which local address to advertise. Resolution follows RFC 3263 only as far as A/AAAA records:
/// the URI's maddr or host, its port or the transport's default port. NAPTR/SRV lookups are not done.
/// </summary>
internal static class SipDestinations
{
    public static async ValueTask<IPEndPoint> ResolveAsync(SipUri uri, SipTransportProtocol protocol, AddressFamily preferred, CancellationToken cancellationToken)
    {
        string host = uri.GetParameter("maddr") ?? uri.Host;
        host = host.Trim('[', ']');
        bool secure = protocol == SipTransportProtocol.Tls || uri.Scheme.Equals("sips", StringComparison.OrdinalIgnoreCase);
        int port = uri.Port ?? (secure ? 5061 : 5060);
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return new IPEndPoint(literal, port);
        }

        IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SipUserAgentException($"The host {host} has no address.");
        }

        IPAddress chosen = Array.Find(addresses, a => a.AddressFamily == preferred) ?? addresses[0];
        return new IPEndPoint(chosen, port);
    }

    /// <summary>The local address the system would use to reach <paramref name="destination"/> (no packet is sent).</summary>
    public static IPAddress LocalAddressTowards(IPEndPoint destination)
    {
        using var probe = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(destination);
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }

    public static string FormatHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address.ToString() + "]" : address.ToString();

    public static string FormatHostPort(string host, int port) => host + ":" + port.ToString(CultureInfo.InvariantCulture);
}
