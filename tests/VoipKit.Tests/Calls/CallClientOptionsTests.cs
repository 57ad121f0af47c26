using Microsoft.Extensions.Configuration;

namespace VoipKit.Tests.Calls;

public sealed class CallClientOptionsTests
{
    [Fact]
    public void Options_bind_from_IConfiguration_including_ice_servers_and_audio()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Voip:AddressOfRecord"] = "sip:alice@example.com",
            ["Voip:Password"] = "secret",
            ["Voip:Realm"] = "example.com",
            ["Voip:Transport"] = "tcp",
            ["Voip:OutboundProxy"] = "sip:proxy.example.com;transport=tcp",
            ["Voip:IceTransportPolicy"] = "Relay",
            ["Voip:MediaSecurity"] = "AllowHopByHop",
            ["Voip:IceServers:0:Url"] = "stun:stun.example.com:3478",
            ["Voip:IceServers:1:Url"] = "turn:198.51.100.7?transport=udp",
            ["Voip:IceServers:1:Username"] = "u",
            ["Voip:IceServers:1:Credential"] = "p",
            ["Voip:Audio:MaxBitrate"] = "40000",
            ["Voip:IncomingCallTimeout"] = "00:00:30",
        }).Build();

        CallClientOptions options = config.GetSection("Voip").Get<CallClientOptions>()!;
        options.Validate();
        Assert.Equal("sip:alice@example.com", options.AddressOfRecord);
        Assert.Equal("tcp", options.Transport);
        Assert.Equal(IceTransportPolicy.Relay, options.IceTransportPolicy);
        Assert.Equal(MediaSecurityPolicy.AllowHopByHop, options.MediaSecurity);
        Assert.Equal(2, options.IceServers.Count);
        Assert.Equal("p", options.IceServers[1].Credential);
        Assert.Equal(40000, options.Audio.MaxBitrate);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IncomingCallTimeout);
        Assert.DoesNotContain("p)", options.IceServers[1].ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("sip:example.com")]
    [InlineData("")]
    public void Validate_names_a_bad_address_of_record(string aor)
    {
        var e = Assert.Throws<ArgumentException>(() => new CallClientOptions { AddressOfRecord = aor }.Validate());
        Assert.Equal(nameof(CallClientOptions.AddressOfRecord), e.ParamName);
    }

    [Theory]
    [InlineData("stun:stun.example.com", false, "stun.example.com", 3478)]
    [InlineData("turn:[2001:db8::1]:5000?transport=udp", true, "2001:db8::1", 5000)]
    [InlineData("turn:198.51.100.7", true, "198.51.100.7", 3478)]
    [InlineData("stuns:stun.example.com", false, "stun.example.com", 5349)]
    public void Ice_server_urls_parse_as_RFC_7064_and_7065_say(string url, bool turn, string host, int port)
    {
        Assert.True(IceServerUrl.TryParse(url, out IceServerUrl? parsed));
        Assert.Equal(turn, parsed.IsTurn);
        Assert.Equal(host, parsed.Host);
        Assert.Equal(port, parsed.Port);
    }

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("stun:")]
    [InlineData("stun:host:99999")]
    [InlineData("stun:host?transport=udp")]
    [InlineData("turn:host?transport=sctp")]
    [InlineData("turn:user@host")]
    public void Bad_ice_server_urls_are_refused(string url) => Assert.False(IceServerUrl.TryParse(url, out _));
}
