using System.Net;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.Tests.Transports;

public sealed class SipViaReceivedTests
{
    [Fact]
    public void Empty_rport_gets_port_and_received()
    {
        SipRequest request = TestMessages.Options("a", sentBy: "10.0.0.1:5060");
        Assert.True(SipViaReceived.Apply(request, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000)));
        SipVia top = request.Via[0];
        Assert.Equal("192.0.2.7", top.Received);
        Assert.Equal(40000, top.RPort);
        Assert.Equal("10.0.0.1", top.Host);
        Assert.Equal(5060, top.Port);
    }

    [Fact]
    public void Without_rport_received_is_added_only_when_the_host_differs()
    {
        SipRequest request = TestMessages.Options("a", sentBy: "192.0.2.7:5060");
        request.SetHeader("Via", "SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1");
        Assert.False(SipViaReceived.Apply(request, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5060)));
        Assert.Null(request.Via[0].Received);

        request.SetHeader("Via", "SIP/2.0/UDP host.invalid;branch=z9hG4bK1");
        Assert.True(SipViaReceived.Apply(request, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5060)));
        Assert.Equal("192.0.2.7", request.Via[0].Received);
        Assert.False(request.Via[0].HasRPort);
    }

    [Fact]
    public void Only_the_top_entry_of_a_combined_via_changes()
    {
        SipRequest request = TestMessages.Options("a");
        request.SetHeader("Via", "SIP/2.0/UDP a.invalid;branch=z9hG4bK1;rport, SIP/2.0/UDP b.invalid;branch=z9hG4bK2;rport");
        request.AddHeader("Via", "SIP/2.0/UDP c.invalid;branch=z9hG4bK3");
        Assert.True(SipViaReceived.Apply(request, new IPEndPoint(IPAddress.Parse("2001:db8::1"), 6000)));
        IReadOnlyList<SipVia> vias = request.Via;
        Assert.Equal(3, vias.Count);
        Assert.Equal("2001:db8::1", vias[0].Received);
        Assert.Equal(6000, vias[0].RPort);
        Assert.Null(vias[1].Received);
        Assert.Null(vias[1].RPort);
        Assert.Null(vias[2].Received);
    }

    [Fact]
    public void Ipv4_mapped_source_is_written_as_ipv4()
    {
        SipRequest request = TestMessages.Options("a");
        Assert.True(SipViaReceived.Apply(request, new IPEndPoint(IPAddress.Parse("192.0.2.9").MapToIPv6(), 7000)));
        Assert.Equal("192.0.2.9", request.Via[0].Received);
    }
}
