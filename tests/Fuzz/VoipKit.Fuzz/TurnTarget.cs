using System.Net;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Fuzz;

/// <summary>
/// Fuzz target for the TURN client's inbound path: <see cref="ChannelData.TryRead"/> either rejects with a reason or
/// returns data inside the datagram that writes back to the same bytes (up to padding); the client's demultiplexer and
/// the allocation's ChannelData and Data indication handlers take any datagram without throwing.
/// </summary>
internal static class TurnTarget
{
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 3478);
    private static readonly TurnClient Client = new(
        new NullTransport(),
        new TurnClientOptions { Server = Server, Username = "u", Password = "p", RunReceiveLoop = false });

    private static readonly TurnAllocation Allocation = new(
        Client, StunEndPoint.Create([127, 0, 0, 1], 50000), StunEndPoint.Create([127, 0, 0, 1], 40000), TimeSpan.FromHours(1))
    {
        DataReceived = static (in StunEndPoint _, ReadOnlySpan<byte> data) => Check(data.Length <= ushort.MaxValue),
    };

    public static void Run(ReadOnlySpan<byte> data)
    {
        bool demux = ChannelData.IsChannelData(data);
        ChannelDataParseResult result = ChannelData.TryRead(data, out ushort channel, out ReadOnlySpan<byte> payload);
        if (result == ChannelDataParseResult.Ok)
        {
            Check(demux && ChannelData.IsValidChannel(channel) && !StunMessage.IsStun(data));
            Check(payload.Length + ChannelData.HeaderLength <= data.Length && data.Length <= ChannelData.GetLength(payload.Length, pad: true));
            Span<byte> again = stackalloc byte[ChannelData.GetLength(payload.Length, pad: true)];
            Check(ChannelData.TryWrite(again, channel, payload, out int written));
            Check(again[..written].SequenceEqual(data[..written]));
        }
        else
        {
            Check(channel == 0 && payload.IsEmpty);
        }

        _ = Client.TryHandleDatagram(data, Server);
        Allocation.OnChannelData(data);
        if (StunMessage.TryParse(data, out StunMessage message) == StunParseResult.Ok)
        {
            Allocation.OnDataIndication(message);
        }
    }

    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("TURN invariant broken.");
        }
    }

    private sealed class NullTransport : IDatagramTransport
    {
        public EndPoint LocalEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 40000);

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            ValueTask.FromException<DatagramReceiveResult>(new OperationCanceledException());
    }
}
