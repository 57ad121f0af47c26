using System.Net;
using System.Net.Sockets;

namespace VoipKit.Transport.Stun;

/// <summary>Handles one received datagram; the span is only valid during the call.</summary>
internal delegate void DatagramHandler(ReadOnlySpan<byte> datagram, EndPoint remote);

/// <summary>The receive loop shared by the STUN and TURN clients when they own their socket's reading.</summary>
internal static class DatagramReceiveLoop
{
    /// <summary>
    /// Reads datagrams into one reused buffer and hands each to <paramref name="handler"/> until <paramref name="ct"/> is
    /// cancelled or the transport is closed. Socket errors are reported to <paramref name="onError"/> and reading goes on.
    /// </summary>
    public static async Task RunAsync(
        IDatagramTransport transport, int bufferSize, DatagramHandler handler, Action<SocketError> onError, CancellationToken ct)
    {
        await Task.Yield();
        byte[] buffer = new byte[bufferSize];
        while (!ct.IsCancellationRequested)
        {
            try
            {
                DatagramReceiveResult received = await transport.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                handler(buffer.AsSpan(0, received.Length), received.Remote);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // the transport's owner closed it
            }
            catch (SocketException e) when (!ct.IsCancellationRequested)
            {
                // ICMP port unreachable from an earlier send surfaces here on some platforms: keep listening.
                onError(e.SocketErrorCode);
            }
        }
    }
}
