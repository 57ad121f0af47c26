using System.Net;
using System.Threading.Channels;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>
/// A small TURN server for virtual-time tests, reached through <see cref="Transport"/>: a client's send is handled
/// synchronously (recorded with the fake time it left) and the answer queued for the client's receive. Long-term
/// credentials with a realm and nonce, allocations, permissions, channels, and knobs for errors, stale nonces,
/// redirection and dropped requests.
/// </summary>
internal sealed class FakeTurnServer
{
    public const string Realm = "example.org";
    public const string Username = "alice";
    public const string Password = "pass-word";
    public static readonly IPEndPoint EndPoint = IPEndPoint.Parse("198.51.100.1:3478");
    public static readonly IPEndPoint Alternate = IPEndPoint.Parse("198.51.100.2:3478");
    public static readonly StunEndPoint Relayed = StunEndPoint.FromIPEndPoint(IPEndPoint.Parse("198.51.100.1:50000"));

    private readonly TimeProvider _time;
    private readonly byte[] _key;
    private readonly string _realm;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private int _nonceNumber = 1;

    public FakeTurnServer(TimeProvider time, string realm = Realm)
    {
        _time = time;
        _realm = realm;
        _key = StunIntegrity.LongTermKey(Username, realm, Password);
        Transport = new TestTransport(this);
    }

    public sealed record Received(ushort Method, StunClass Class, DateTimeOffset At, byte[] Data, IPEndPoint To, bool Signed, uint? Lifetime, StunEndPoint? Peer, ushort Channel, byte[]? Payload);

    public TestTransport Transport { get; }

    public string Nonce => NonceLength == 0 ? $"nonce-{_nonceNumber}" : $"nonce-{_nonceNumber}-".PadRight(NonceLength, 'n');

    /// <summary>When not 0, nonces are padded to this many bytes (RFC 8489 allows up to 763).</summary>
    public int NonceLength { get; set; }

    public bool Allocated { get; private set; }

    public uint GrantedLifetime { get; set; } = 600;

    public int DropRequests { get; set; }

    /// <summary>Error code to answer the next signed request of a method with (one shot).</summary>
    public Dictionary<ushort, int> NextError { get; } = [];

    /// <summary>Answer the next signed request with 438 and a new nonce.</summary>
    public bool StaleNonceNext { get; set; }

    /// <summary>Answer Allocates at <see cref="EndPoint"/> (or every server when <see cref="AlwaysRedirect"/>) with 300 to <see cref="Alternate"/>.</summary>
    public bool Redirect { get; set; }

    public bool AlwaysRedirect { get; set; }

    /// <summary>
    /// Channel bindings, number → peer. Kept for the whole test: stricter than RFC 8656 section 12.2, which forbids
    /// binding a number or a peer to another partner until 5 min after the binding expired.
    /// </summary>
    public Dictionary<ushort, StunEndPoint> Channels { get; } = [];

    /// <summary>Handle this many requests but lose their (success) responses.</summary>
    public int DropResponses { get; set; }

    public async Task<Received> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    public bool TryNext(out Received? received) => _received.Reader.TryRead(out received);

    public void InjectDataIndication(StunEndPoint peer, byte[] data, IPEndPoint? from = null)
    {
        byte[] buffer = new byte[data.Length + 64];
        var w = new StunMessageWriter(buffer, new StunMessageType(TurnConstants.Data, StunClass.Indication), new byte[12]);
        w.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        w.AddAttribute(StunAttributeType.Data, data);
        w.TryComplete(out int length);
        Transport.Inject(buffer[..length], from ?? EndPoint);
    }

    public void InjectChannelData(ushort channel, byte[] data, IPEndPoint? from = null)
    {
        byte[] buffer = new byte[data.Length + 4];
        Assert.True(ChannelData.TryWrite(buffer, channel, data, out int length));
        Transport.Inject(buffer[..length], from ?? EndPoint);
    }

    private void Handle(byte[] datagram, IPEndPoint to)
    {
        if (ChannelData.TryRead(datagram, out ushort number, out ReadOnlySpan<byte> channelPayload) == ChannelDataParseResult.Ok)
        {
            _received.Writer.TryWrite(new Received(0, StunClass.Indication, _time.GetUtcNow(), datagram, to, false, null, null, number, channelPayload.ToArray()));
            return;
        }

        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(datagram, out StunMessage m));
        Assert.True(StunIntegrity.VerifyFingerprint(m));
        bool signed = m.HasMessageIntegrity;
        uint? lifetime = m.TryGetUInt32(StunAttributeType.Lifetime, out uint l) ? l : null;
        StunEndPoint? peer = m.TryGetAddress(StunAttributeType.XorPeerAddress, out StunEndPoint p) ? p : null;
        ushort channel = m.TryGetAttribute(StunAttributeType.ChannelNumber, out ReadOnlySpan<byte> c) ? (ushort)((c[0] << 8) | c[1]) : (ushort)0;
        byte[]? payload = m.TryGetAttribute(StunAttributeType.Data, out ReadOnlySpan<byte> d) ? d.ToArray() : null;
        _received.Writer.TryWrite(new Received(m.Method, m.Class, _time.GetUtcNow(), datagram, to, signed, lifetime, peer, channel, payload));
        if (m.Class != StunClass.Request)
        {
            return;
        }

        if (DropRequests > 0)
        {
            DropRequests--;
            return;
        }

        if (m.Method == TurnConstants.Allocate && (AlwaysRedirect || (Redirect && to.Equals(EndPoint))))
        {
            Reply(m, to, w => w.AddAddress(StunAttributeType.AlternateServer, StunEndPoint.FromIPEndPoint(Alternate)), 300, sign: false);
            return;
        }

        if (!signed || !StunIntegrity.VerifyMessageIntegrity(m, _key))
        {
            Reply(m, to, w => { w.AddString(StunAttributeType.Realm, _realm); w.AddString(StunAttributeType.Nonce, Nonce); }, 401, sign: false);
            return;
        }

        m.TryGetAttribute(StunAttributeType.Nonce, out ReadOnlySpan<byte> nonce);
        if (StaleNonceNext || System.Text.Encoding.UTF8.GetString(nonce) != Nonce)
        {
            StaleNonceNext = false;
            _nonceNumber++;
            Reply(m, to, w => { w.AddString(StunAttributeType.Realm, _realm); w.AddString(StunAttributeType.Nonce, Nonce); }, 438, sign: false);
            return;
        }

        if (NextError.Remove(m.Method, out int code))
        {
            if (code == 437 && m.Method == TurnConstants.Refresh)
            {
                Allocated = false; // a 437 to a Refresh says the allocation is gone
            }

            Reply(m, to, _ => { }, code, sign: true);
            return;
        }

        switch (m.Method)
        {
            case TurnConstants.Allocate:
                if (Allocated)
                {
                    Reply(m, to, _ => { }, 437, sign: true);
                    return;
                }

                Allocated = true;
                Reply(m, to, w =>
                {
                    w.AddXorAddress(StunAttributeType.XorRelayedAddress, Relayed);
                    w.AddXorAddress(StunAttributeType.XorMappedAddress, StunEndPoint.FromIPEndPoint((IPEndPoint)Transport.LocalEndPoint));
                    w.AddUInt32(StunAttributeType.Lifetime, GrantedLifetime);
                }, 0, sign: true);
                return;
            case TurnConstants.Refresh when !Allocated:
                Reply(m, to, _ => { }, 437, sign: true);
                return;
            case TurnConstants.Refresh:
                uint granted = lifetime == 0 ? 0 : GrantedLifetime;
                Allocated = granted != 0;
                Reply(m, to, w => w.AddUInt32(StunAttributeType.Lifetime, granted), 0, sign: true);
                return;
            case TurnConstants.ChannelBind:
                // Section 12.2: the number must not be bound to another peer, nor the peer to another number.
                StunEndPoint bindPeer = peer!.Value;
                if ((Channels.TryGetValue(channel, out StunEndPoint boundPeer) && boundPeer != bindPeer)
                    || Channels.Any(b => b.Value == bindPeer && b.Key != channel))
                {
                    Reply(m, to, _ => { }, 400, sign: true);
                    return;
                }

                Channels[channel] = bindPeer;
                Reply(m, to, _ => { }, 0, sign: true);
                return;
            default:
                Reply(m, to, _ => { }, 0, sign: true);
                return;
        }
    }

    private void Reply(in StunMessage request, IPEndPoint from, Action<StunMessageWriterBox> attributes, int errorCode, bool sign)
    {
        if (errorCode == 0 && DropResponses > 0)
        {
            DropResponses--;
            return;
        }

        byte[] buffer = new byte[2048];
        var box = new StunMessageWriterBox(buffer, new StunMessageType(request.Method, errorCode == 0 ? StunClass.SuccessResponse : StunClass.ErrorResponse), request.TransactionId.ToArray());
        if (errorCode != 0)
        {
            box.AddErrorCode(errorCode, errorCode switch { 401 => "Unauthorized", 438 => "Stale Nonce", 300 => "Try Alternate", _ => "Error" });
        }

        attributes(box);
        byte[] message = box.Finish(sign ? _key : null);
        Transport.Inject(message, from);
    }

    /// <summary>A heap wrapper so lambdas can add attributes (the writer is a ref struct).</summary>
    internal sealed class StunMessageWriterBox(byte[] buffer, StunMessageType type, byte[] transactionId)
    {
        private readonly List<(ushort Type, byte[] Value, int Kind)> _attributes = [];

        public void AddErrorCode(int code, string reason) => _attributes.Add((StunAttributeType.ErrorCode, System.Text.Encoding.UTF8.GetBytes(reason), code));

        public void AddString(ushort t, string value) => _attributes.Add((t, System.Text.Encoding.UTF8.GetBytes(value), -1));

        public void AddUInt32(ushort t, uint value) => _attributes.Add((t, [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value], -1));

        public void AddXorAddress(ushort t, StunEndPoint e) => _attributes.Add((t, EndPointBytes(e), -2));

        public void AddAddress(ushort t, StunEndPoint e) => _attributes.Add((t, EndPointBytes(e), -3));

        public byte[] Finish(byte[]? key)
        {
            var w = new StunMessageWriter(buffer, type, transactionId);
            foreach ((ushort t, byte[] value, int kind) in _attributes)
            {
                switch (kind)
                {
                    case -1: w.AddAttribute(t, value); break;
                    case -2: w.AddXorAddress(t, FromBytes(value)); break;
                    case -3: w.AddAddress(t, FromBytes(value)); break;
                    default: w.AddErrorCode(kind, System.Text.Encoding.UTF8.GetString(value)); break;
                }
            }

            if (key is not null)
            {
                w.AddMessageIntegrity(key);
            }

            w.AddFingerprint();
            Assert.True(w.TryComplete(out int length));
            return buffer[..length];
        }

        private static byte[] EndPointBytes(StunEndPoint e)
        {
            byte[] bytes = new byte[18];
            int n = e.WriteAddress(bytes);
            bytes[16] = (byte)(e.Port >> 8);
            bytes[17] = (byte)e.Port;
            return [.. bytes[..n], bytes[16], bytes[17]];
        }

        private static StunEndPoint FromBytes(byte[] b) => StunEndPoint.Create(b.AsSpan(0, b.Length - 2), (ushort)((b[^2] << 8) | b[^1]));
    }

    /// <summary>The client's side of the wire: sends go to the server at once, answers are queued for receive.</summary>
    internal sealed class TestTransport(FakeTurnServer server) : IDatagramTransport
    {
        private readonly Channel<(byte[] Data, EndPoint From)> _inbound = Channel.CreateUnbounded<(byte[], EndPoint)>();

        public EndPoint LocalEndPoint { get; } = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000);

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            server.Handle(datagram.ToArray(), (IPEndPoint)remote);
            return ValueTask.CompletedTask;
        }

        public async ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            (byte[] data, EndPoint from) = await _inbound.Reader.ReadAsync(cancellationToken);
            data.CopyTo(buffer);
            return new DatagramReceiveResult(data.Length, from);
        }

        public void Inject(byte[] datagram, EndPoint from) => _inbound.Writer.TryWrite((datagram, from));

        /// <summary>For a client without a receive loop: the next answer queued for it.</summary>
        public async Task<(byte[] Data, EndPoint From)> TakeInjectedAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return await _inbound.Reader.ReadAsync(timeout.Token);
        }
    }
}
