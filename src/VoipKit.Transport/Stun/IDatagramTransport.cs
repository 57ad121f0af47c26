using System.Net;

namespace VoipKit.Transport.Stun;

/// <summary>A datagram socket as the STUN client sees it: a UDP socket in production, an in-memory pair in tests.</summary>
internal interface IDatagramTransport
{
    /// <summary>The local address and port.</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>Sends one datagram.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken);

    /// <summary>Waits for one datagram.</summary>
    ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
