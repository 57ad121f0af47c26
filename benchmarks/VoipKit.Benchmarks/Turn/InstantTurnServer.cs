using System.Net;
using System.Text;
using VoipKit.Transport;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Benchmarks.Turn;

/// <summary>
/// A transport whose "server" answers every TURN request at once, in the caller's thread (401 with realm and nonce,
/// then signed successes), so a benchmark can set up an allocation and a bound channel without a network.
/// Peer data sent through it is discarded.
/// </summary>
internal sealed class InstantTurnServer : IDatagramTransport
{
    public const string Username = "bench";
    public const string Password = "bench-password";
    public static readonly IPEndPoint Server = new(IPAddress.Loopback, 3478);
    private const string Realm = "bench.invalid";
    private readonly byte[] _key = StunIntegrity.LongTermKey(Username, Realm, Password);

    public TurnClient? Client { get; set; }

    public EndPoint LocalEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 40000);

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken)
    {
        if (StunMessage.TryParse(datagram.Span, out StunMessage m) == StunParseResult.Ok && m.Class == StunClass.Request)
        {
            byte[] response = new byte[256];
            bool signed = m.HasMessageIntegrity;
            var w = new StunMessageWriter(response, new StunMessageType(m.Method, signed ? StunClass.SuccessResponse : StunClass.ErrorResponse), m.TransactionId);
            if (!signed)
            {
                w.AddErrorCode(401, "Unauthorized");
                w.AddAttribute(StunAttributeType.Realm, Encoding.UTF8.GetBytes(Realm));
                w.AddAttribute(StunAttributeType.Nonce, "nonce"u8);
            }
            else
            {
                if (m.Method == TurnConstants.Allocate)
                {
                    w.AddXorAddress(StunAttributeType.XorRelayedAddress, StunEndPoint.Create([127, 0, 0, 1], 50000));
                    w.AddXorAddress(StunAttributeType.XorMappedAddress, StunEndPoint.Create([127, 0, 0, 1], 40000));
                }

                w.AddUInt32(StunAttributeType.Lifetime, 3600);
                w.AddMessageIntegrity(_key);
            }

            w.TryComplete(out int length);
            Client!.TryHandleDatagram(response.AsSpan(0, length), Server);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ValueTask.FromException<DatagramReceiveResult>(new OperationCanceledException());
}
