using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace VoipKit;

/// <summary>A client's ICE configuration with its server names resolved: made at start, shared by its calls.</summary>
internal sealed record IceSettings(IReadOnlyList<IPAddress> HostAddresses, IReadOnlyList<IPEndPoint> StunServers, IReadOnlyList<IceSettings.TurnServer> TurnServers, IceTransportPolicy Policy)
{
    /// <summary>A TURN server: its configuration (for credentials) and its resolved address.</summary>
    public sealed record TurnServer(IceServer Config, IPEndPoint EndPoint);

    public static async Task<IceSettings> ResolveAsync(CallClientOptions options, IReadOnlyList<IPAddress>? hostAddresses, CancellationToken cancellationToken)
    {
        var stun = new List<IPEndPoint>();
        var turn = new List<TurnServer>();
        foreach (IceServer server in options.IceServers)
        {
            if (!IceServerUrl.TryParse(server.Url, out IceServerUrl? url))
            {
                throw new ArgumentException($"Not a stun: or turn: URL: '{server.Url}'.", nameof(options));
            }

            if (url.Secure || url.Transport != "udp")
            {
                throw new NotSupportedException($"{server.Url}: only STUN and TURN over UDP are supported so far.");
            }

            foreach (IPAddress address in await ResolveHostAsync(url.Host, cancellationToken).ConfigureAwait(false))
            {
                var endPoint = new IPEndPoint(address, url.Port);
                if (url.IsTurn)
                {
                    turn.Add(new TurnServer(server, endPoint));
                }

                // A TURN server answers Binding requests too (RFC 8656 section 9): it is a STUN server as well.
                stun.Add(endPoint);
            }
        }

        IReadOnlyList<IPAddress> hosts = hostAddresses is { Count: > 0 } ? hostAddresses
            : options.LocalAddress is { Length: > 0 } local
            ? [IPAddress.Parse(local)]
            : DiscoverHostAddresses();
        return new IceSettings(hosts, stun, turn, options.IceTransportPolicy);
    }

    private static async Task<IPAddress[]> ResolveHostAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return [literal];
        }

        IPAddress[] all = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return [.. all.Where(a => a.AddressFamily == AddressFamily.InterNetwork).Take(1)];
    }

    // The addresses of the interfaces that are up, IPv4 first, loopback only when there is nothing else.
    private static IPAddress[] DiscoverHostAddresses()
    {
        var found = new List<IPAddress>();
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (UnicastIPAddressInformation a in nic.GetIPProperties().UnicastAddresses)
            {
                IPAddress ip = a.Address;
                if (ip.AddressFamily == AddressFamily.InterNetwork ||
                    (ip.AddressFamily == AddressFamily.InterNetworkV6 && !ip.IsIPv6LinkLocal && !ip.IsIPv6SiteLocal))
                {
                    found.Add(ip);
                }
            }
        }

        return found.Count > 0 ? [.. found.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).Take(4)] : [IPAddress.Loopback];
    }
}
