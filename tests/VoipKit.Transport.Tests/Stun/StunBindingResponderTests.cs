using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Stun;

public class StunBindingResponderTests
{
    private static readonly StunEndPoint Source = StunEndPoint.FromIPEndPoint(IPEndPoint.Parse("192.0.2.1:32853"));

    [Fact]
    public void Open_server_answers_with_the_source_as_xor_mapped_address_and_fingerprint()
    {
        var buffer = new byte[256];
        StunMessageWriter w = Writer(buffer);
        w.AddFingerprint();
        byte[] request = Done(ref w, buffer);
        var response = new byte[548];
        Assert.Equal(StunResponderResult.Success, StunBindingResponder.Respond(request, Source, response, out int length));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(response.AsSpan(0, length), out StunMessage m));
        Assert.Equal(StunMessageType.BindingSuccess, m.Type);
        Assert.Equal(request.AsSpan(8, 12).ToArray(), m.TransactionId.ToArray());
        Assert.True(m.TryGetAddress(StunAttributeType.XorMappedAddress, out StunEndPoint mapped));
        Assert.Equal(Source, mapped);
        Assert.True(StunIntegrity.VerifyFingerprint(m));
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:32853"), StunClient.ReadMappedAddress(response.AsSpan(0, length)));
    }

    [Fact]
    public void Unknown_comprehension_required_attribute_gets_420_with_unknown_attributes()
    {
        var buffer = new byte[256];
        StunMessageWriter w = Writer(buffer);
        w.AddUInt32(0x0003, 0x06); // CHANGE-REQUEST (RFC 5780): not ours
        byte[] request = Done(ref w, buffer);
        var response = new byte[548];
        Assert.Equal(StunResponderResult.Error, StunBindingResponder.Respond(request, Source, response, out int length));
        StunMessage.TryParse(response.AsSpan(0, length), out StunMessage m);
        Assert.True(m.TryGetErrorCode(out int code, out _));
        Assert.Equal(420, code);
        Assert.True(m.TryGetAttribute(StunAttributeType.UnknownAttributes, out ReadOnlySpan<byte> list));
        Assert.Equal(new byte[] { 0x00, 0x03 }, list.ToArray());
        Assert.False(m.HasFingerprint);
    }

    [Fact]
    public void Short_term_credentials_400_401_and_signed_success()
    {
        using var key = new StunHmacSha1Key("pass"u8);
        using var wrong = new StunHmacSha1Key("other"u8);
        var response = new byte[548];

        var buffer = new byte[256];
        StunMessageWriter w = Writer(buffer);
        w.AddFingerprint();
        byte[] unsigned = Done(ref w, buffer);
        Assert.Equal(StunResponderResult.Error, StunBindingResponder.Respond(unsigned, Source, response, out int length, key));
        Assert.Equal(400, Code(response.AsSpan(0, length)));

        w = Writer(buffer);
        w.AddString(StunAttributeType.Username, "a:b");
        w.AddMessageIntegrity(wrong);
        w.AddFingerprint();
        byte[] badMac = Done(ref w, buffer);
        Assert.Equal(StunResponderResult.Error, StunBindingResponder.Respond(badMac, Source, response, out length, key));
        Assert.Equal(401, Code(response.AsSpan(0, length)));
        StunMessage.TryParse(response.AsSpan(0, length), out StunMessage e);
        Assert.False(e.HasMessageIntegrity);

        w = Writer(buffer);
        w.AddString(StunAttributeType.Username, "a:b");
        w.AddUInt32(StunAttributeType.Priority, 1);
        w.AddMessageIntegrity(key);
        w.AddFingerprint();
        byte[] good = Done(ref w, buffer);
        Assert.Equal(StunResponderResult.Success, StunBindingResponder.Respond(good, Source, response, out length, key));
        StunMessage.TryParse(response.AsSpan(0, length), out StunMessage ok);
        Assert.True(StunIntegrity.VerifyMessageIntegrity(ok, key));
        Assert.True(StunIntegrity.VerifyFingerprint(ok));
    }

    [Fact]
    public void Drops_what_it_must_not_answer()
    {
        var response = new byte[548];
        var buffer = new byte[256];
        StunMessageWriter w = Writer(buffer);
        w.AddFingerprint();
        byte[] badFingerprint = Done(ref w, buffer);
        badFingerprint[^1] ^= 1;
        Assert.Equal(StunResponderResult.Dropped, StunBindingResponder.Respond(badFingerprint, Source, response, out _));
        Assert.Equal(StunResponderResult.Dropped, StunBindingResponder.Respond(StunTestVectors.IPv4Response, Source, response, out _));
        Assert.Equal(StunResponderResult.Dropped, StunBindingResponder.Respond([0x80, 0, 0, 0], Source, response, out _));
        w = Writer(buffer, method: 0x003);
        byte[] allocate = Done(ref w, buffer);
        Assert.Equal(StunResponderResult.OtherMethod, StunBindingResponder.Respond(allocate, Source, response, out _));
        w = Writer(buffer);
        byte[] plain = Done(ref w, buffer);
        Assert.Equal(StunResponderResult.BufferTooSmall, StunBindingResponder.Respond(plain, Source, new byte[24], out _));
    }

    private static int Code(ReadOnlySpan<byte> response)
    {
        StunMessage.TryParse(response, out StunMessage m);
        Assert.True(m.TryGetErrorCode(out int code, out _));
        return code;
    }

    private static StunMessageWriter Writer(byte[] buffer, ushort method = 1) =>
        new(buffer, new StunMessageType(method, StunClass.Request), System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    private static byte[] Done(ref StunMessageWriter w, byte[] buffer)
    {
        Assert.True(w.TryComplete(out int length));
        return buffer[..length];
    }
}
