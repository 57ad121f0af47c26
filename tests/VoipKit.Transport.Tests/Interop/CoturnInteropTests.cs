using System.Net;
using System.Security.Cryptography;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Interop;

/// <summary>Our STUN client and messages against coturn 4.6 (a real third-party server) on loopback.</summary>
[Trait("Category", "Interop")]
public sealed class CoturnInteropTests
{
    private const ushort Allocate = 0x003;
    private const ushort Refresh = 0x004;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Binding_request_gets_our_own_address_as_xor_mapped_address()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        using var transport = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = new StunClient(transport);
        using var cts = new CancellationTokenSource(Limit);
        IPEndPoint mapped = await client.GetMappedAddressAsync(server.EndPoint, cts.Token);
        Assert.Equal(transport.LocalEndPoint, mapped);

        // coturn signs responses with FINGERPRINT (config "fingerprint"): check ours verifies theirs.
        byte[] response = await client.SendRequestAsync(BindingRequest(), server.EndPoint, cts.Token);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(response, out StunMessage m));
        Assert.Equal(StunMessageType.BindingSuccess, m.Type);
        Assert.True(StunIntegrity.VerifyFingerprint(m), server.ReadLog());
    }

    [Fact]
    public async Task Binding_over_ipv6_loopback_gets_the_ipv6_xor_mapped_address()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        using var transport = new UdpDatagramTransport(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        await using var client = new StunClient(transport);
        using var cts = new CancellationTokenSource(Limit);
        IPEndPoint mapped = await client.GetMappedAddressAsync(server.EndPointV6, cts.Token);
        Assert.Equal(transport.LocalEndPoint, mapped);
    }

    [Fact]
    public async Task Allocate_with_long_term_credentials_after_401_realm_and_nonce()
    {
        await using CoturnServer server = await CoturnServer.StartAsync();
        using var transport = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = new StunClient(transport);
        using var cts = new CancellationTokenSource(Limit);

        // 1. Unauthenticated: 401 with REALM and NONCE (RFC 8489 section 9.2.3).
        byte[] challenge = await client.SendRequestAsync(AllocateRequest(null, null, null), server.EndPoint, cts.Token);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(challenge, out StunMessage c));
        Assert.Equal(StunClass.ErrorResponse, c.Class);
        Assert.True(c.TryGetErrorCode(out int code, out _));
        Assert.Equal(401, code);
        Assert.True(c.TryGetAttribute(StunAttributeType.Realm, out ReadOnlySpan<byte> realmBytes));
        Assert.True(c.TryGetAttribute(StunAttributeType.Nonce, out ReadOnlySpan<byte> nonceBytes));
        string realm = System.Text.Encoding.UTF8.GetString(realmBytes);
        string nonce = System.Text.Encoding.UTF8.GetString(nonceBytes);
        Assert.Equal(CoturnServer.Realm, realm);

        // 2. Again with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY over the long-term key.
        byte[] key = StunIntegrity.LongTermKey(CoturnServer.Username, realm, CoturnServer.Password);
        byte[] allocated = await client.SendRequestAsync(AllocateRequest(key, realm, nonce), server.EndPoint, cts.Token);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(allocated, out StunMessage a));
        Assert.True(a.Class == StunClass.SuccessResponse, Describe(a) + server.ReadLog());
        Assert.True(StunIntegrity.VerifyMessageIntegrity(a, key), "coturn's MESSAGE-INTEGRITY");
        Assert.False(StunIntegrity.VerifyMessageIntegrity(a, StunIntegrity.LongTermKey(CoturnServer.Username, realm, "wrong")));
        Assert.True(StunIntegrity.VerifyFingerprint(a));
        Assert.True(a.TryGetAddress(StunAttributeType.XorRelayedAddress, out StunEndPoint relayed));
        Assert.Equal(IPAddress.Loopback, relayed.ToIPEndPoint().Address);
        Assert.True(a.TryGetAddress(StunAttributeType.XorMappedAddress, out StunEndPoint mapped));
        Assert.Equal(transport.LocalEndPoint, mapped.ToIPEndPoint());
        Assert.True(a.TryGetUInt32(StunAttributeType.Lifetime, out uint lifetime) && lifetime > 0);

        // 3. Refresh with LIFETIME 0 deletes the allocation (RFC 8656 section 7).
        byte[] refreshed = await client.SendRequestAsync(RefreshDelete(key, realm, nonce), server.EndPoint, cts.Token);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(refreshed, out StunMessage r));
        Assert.True(r.Class == StunClass.SuccessResponse, Describe(r));
        Assert.True(StunIntegrity.VerifyMessageIntegrity(r, key));
    }

    private static string Describe(in StunMessage m) =>
        m.TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason) ? $"{code} {System.Text.Encoding.UTF8.GetString(reason)}\n" : $"{m.Type}\n";

    private static byte[] NewTransactionId() => RandomNumberGenerator.GetBytes(12);

    private static byte[] BindingRequest()
    {
        var buffer = new byte[64];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, NewTransactionId());
        w.AddString(StunAttributeType.Software, "VoipKit tests");
        w.AddFingerprint();
        w.TryComplete(out int length);
        return buffer[..length];
    }

    private static byte[] AllocateRequest(byte[]? key, string? realm, string? nonce)
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, new StunMessageType(Allocate, StunClass.Request), NewTransactionId());
        w.AddFirstByte(StunAttributeType.RequestedTransport, 17);
        return Sign(ref w, buffer, key, realm, nonce);
    }

    private static byte[] RefreshDelete(byte[] key, string realm, string nonce)
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, new StunMessageType(Refresh, StunClass.Request), NewTransactionId());
        w.AddUInt32(StunAttributeType.Lifetime, 0);
        return Sign(ref w, buffer, key, realm, nonce);
    }

    private static byte[] Sign(ref StunMessageWriter w, byte[] buffer, byte[]? key, string? realm, string? nonce)
    {
        if (key is not null)
        {
            w.AddString(StunAttributeType.Username, CoturnServer.Username);
            w.AddString(StunAttributeType.Realm, realm);
            w.AddString(StunAttributeType.Nonce, nonce);
            w.AddMessageIntegrity(key);
        }

        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));
        return buffer[..length];
    }
}
