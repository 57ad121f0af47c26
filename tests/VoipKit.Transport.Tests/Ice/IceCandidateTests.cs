using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Transport.Ice;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>Candidate priorities, the RFC 8839 text form, credentials.</summary>
public sealed class IceCandidateTests
{
    [Theory]
    [InlineData(0, 65535, 1, 2130706431u)]            // 126<<24 | 65535<<8 | 255
    [InlineData(2, 65535, 1, 1862270975u)]   // 110<<24 ...
    [InlineData(1, 65535, 1, 1694498815u)] // 100<<24 ...
    [InlineData(3, 65535, 1, 16777215u)]
    [InlineData(0, 0, 2, 2113929470u)]
    public void Priority_is_type_local_preference_and_component(int type, int localPreference, int component, uint expected) =>
        Assert.Equal(expected, IceCandidate.ComputePriority((IceCandidateType)type, localPreference, component));

    [Fact]
    public void Parses_and_formats_the_rfc_8839_examples()
    {
        IceCandidate host = IceCandidate.Parse("a=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host");
        Assert.Equal("1", host.Foundation);
        Assert.Equal(1, host.Component);
        Assert.Equal(2130706431u, host.Priority);
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:5000"), host.EndPoint);
        Assert.Equal(IceCandidateType.Host, host.Type);
        Assert.Equal("candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host", host.ToString());

        const string srflx = "candidate:2 1 UDP 1694498815 203.0.113.77 1000 typ srflx raddr 192.0.2.1 rport 5000 generation 0 network-id 1";
        IceCandidate reflexive = IceCandidate.Parse(srflx);
        Assert.Equal(IceCandidateType.ServerReflexive, reflexive.Type);
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:5000"), reflexive.RelatedEndPoint);
        Assert.Equal([new("generation", "0"), new("network-id", "1")], reflexive.Extensions);
        Assert.Equal(srflx, reflexive.ToString());

        IceCandidate v6 = IceCandidate.Parse("candidate:a+/Z 1 udp 16777215 2001:db8::1 3478 typ relay raddr 2001:db8::2 rport 61000");
        Assert.Equal(IceCandidateType.Relayed, v6.Type);
        Assert.True(v6.IsUdp);
    }

    [Theory]
    [InlineData("")]
    [InlineData("candidate:")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2.1 5000 type host")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ lan")]
    [InlineData("candidate:1 0 UDP 2130706431 192.0.2.1 5000 typ host")]
    [InlineData("candidate:1 257 UDP 2130706431 192.0.2.1 5000 typ host")]
    [InlineData("candidate:1 1 UDP 0 192.0.2.1 5000 typ host")]
    [InlineData("candidate:1 1 UDP 4294967296 192.0.2.1 5000 typ host")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2.1 65536 typ host")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2 5000 typ host")]
    [InlineData("candidate:1 1 UDP 2130706431 abcd.local 5000 typ host")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host raddr 192.0.2.9")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host raddr 192.0.2.9 rport")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host generation")]
    [InlineData("candidate:1 1 UDP 2130706431 192.0.2.1 5000  typ host")]
    [InlineData("candidate:f-o 1 UDP 2130706431 192.0.2.1 5000 typ host")]
    [InlineData("candidate:123456789012345678901234567890123 1 UDP 2130706431 192.0.2.1 5000 typ host")]
    public void Malformed_candidates_are_rejected(string text)
    {
        Assert.False(IceCandidate.TryParse(text, out _));
        Assert.Throws<FormatException>(() => IceCandidate.Parse(text));
    }

    [Property(MaxTest = 300)]
    public Property Text_form_round_trips() => Prop.ForAll(Candidates().ToArbitrary(), c =>
    {
        string text = c.ToString();
        IceCandidate back = IceCandidate.Parse(text);
        Assert.Equal(c.Foundation, back.Foundation);
        Assert.Equal(c.Component, back.Component);
        Assert.Equal(c.Transport, back.Transport);
        Assert.Equal(c.Priority, back.Priority);
        Assert.Equal(c.EndPoint, back.EndPoint);
        Assert.Equal(c.Type, back.Type);
        Assert.Equal(c.RelatedEndPoint, back.RelatedEndPoint);
        Assert.Equal(c.Extensions, back.Extensions);
        Assert.Equal(text, back.ToString());
    });

    [Property(MaxTest = 500)]
    public Property Garbage_never_throws() => Prop.ForAll(
        Gen.Choose(0, 80).SelectMany(n => Gen.ArrayOf(Gen.Elements("0123456789 abcdtyphostrelay:./+UDP\t".ToCharArray()), n)).Select(c => new string(c)).ToArbitrary(),
        text =>
        {
            // Whatever it says, a successful parse formats to something that parses the same way.
            if (IceCandidate.TryParse("candidate:" + text, out IceCandidate? c))
            {
                Assert.Equal(c.ToString(), IceCandidate.Parse(c.ToString()).ToString());
            }

            Assert.Equal(IceCandidate.TryParse(text, out _), IceCandidate.TryParse("a=candidate:" + text, out _));
        });

    [Fact]
    public void Generated_credentials_are_random_ice_chars_of_rfc_lengths()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 200; i++)
        {
            IceCredentials c = IceCredentials.Generate();
            Assert.True(c.IsWellFormed);
            Assert.Equal(8, c.Ufrag.Length);
            Assert.Equal(24, c.Password.Length);
            Assert.True(seen.Add(c.Password));
            Assert.DoesNotContain(c.Password, c.ToString(), StringComparison.Ordinal);
        }

        Assert.False(new IceCredentials("abc", new string('a', 22)).IsWellFormed);
        Assert.False(new IceCredentials("abcd", new string('a', 21)).IsWellFormed);
        Assert.False(new IceCredentials("ab-d", new string('a', 22)).IsWellFormed);
    }

    internal static Gen<IceCandidate> Candidates()
    {
        Gen<string> iceChars(int min, int max) =>
            Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(IceCredentials.IceChars.ToCharArray()), n)).Select(c => new string(c));
        Gen<IPEndPoint> endPoints =
            from v6 in Gen.Elements(false, true)
            from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 16)
            from port in Gen.Choose(0, 65535)
            select new IPEndPoint(new IPAddress(v6 ? bytes : bytes[..4]), port);
        Gen<string> tokens = Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(Gen.Choose(33, 126).Select(c => (char)c), n)).Select(c => new string(c));
        return from foundation in iceChars(1, 32)
               from component in Gen.Choose(1, 256)
               from transport in Gen.Elements("UDP", "udp", "TCP")
               from priority in Gen.Choose(1, int.MaxValue).Select(p => (uint)p * 2 - 1)
               from endPoint in endPoints
               from type in Gen.Elements(Enum.GetValues<IceCandidateType>())
               from related in Gen.OneOf(Gen.Constant<IPEndPoint?>(null), endPoints.Select(e => (IPEndPoint?)e))
               from extensions in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(tokens.Where(t => t != "raddr").Two(), n))
               select new IceCandidate
               {
                   Foundation = foundation,
                   Component = component,
                   Transport = transport,
                   Priority = priority,
                   EndPoint = endPoint,
                   Type = type,
                   RelatedEndPoint = related,
                   Extensions = [.. extensions.Select(e => new KeyValuePair<string, string>(e.Item1, e.Item2))],
               };
    }
}
