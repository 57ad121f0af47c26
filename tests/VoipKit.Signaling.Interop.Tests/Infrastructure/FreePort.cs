using System.Net;
using System.Net.Sockets;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>Loopback ports that are free for both UDP and TCP at the moment of the call.</summary>
internal static class FreePort
{
    /// <summary>
    /// Binds UDP to port 0, then TCP to the same port, and releases both. Another process may
    /// take the port before the peer binds it: callers retry the start on a bind failure.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // The TCP side of this port is taken: try another one.
            }
        }

        throw new InvalidOperationException("no loopback port free for both UDP and TCP after 50 attempts");
    }

    /// <summary>Whether some socket is bound to 127.0.0.1:<paramref name="port"/> over UDP (per /proc/net/udp).</summary>
    public static bool IsUdpBound(int port) => HasSocket("/proc/net/udp", port, state: null);

    /// <summary>Whether some socket listens on 127.0.0.1:<paramref name="port"/> over TCP (per /proc/net/tcp).</summary>
    public static bool IsTcpListening(int port) => HasSocket("/proc/net/tcp", port, state: "0A");

    private static bool HasSocket(string table, int port, string? state)
    {
        var local = $"0100007F:{port:X4}";
        foreach (var line in File.ReadLines(table).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 3 && fields[1] == local && (state is null || fields[3] == state))
            {
                return true;
            }
        }

        return false;
    }
}
