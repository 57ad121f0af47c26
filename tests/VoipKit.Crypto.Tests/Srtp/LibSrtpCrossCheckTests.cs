using VoipKit.Crypto.Tests.Native;
using static VoipKit.Crypto.Tests.Srtp.SrtpTestData;

namespace VoipKit.Crypto.Tests.Srtp;

/// <summary>
/// Interoperability with libsrtp2 (Debian libsrtp2-dev), driven through Native/srtp-harness.c:
/// both sides protect the same packets to the same bytes and unprotect each other's output,
/// across a sequence-number wrap, for SRTP and SRTCP.
/// </summary>
public class LibSrtpCrossCheckTests
{
    public static TheoryData<SrtpProtectionProfile, string> Suites() => new()
    {
        { SrtpProtectionProfile.AesCm128HmacSha1Tag80, "cm80" },
        { SrtpProtectionProfile.AesCm128HmacSha1Tag32, "cm32" },
        { SrtpProtectionProfile.AeadAes128Gcm, "gcm128" },
        { SrtpProtectionProfile.AeadAes256Gcm, "gcm256" },
    };

    [Theory]
    [MemberData(nameof(Suites))]
    public void Srtp_and_srtcp_interoperate_across_a_rollover(SrtpProtectionProfile profile, string suite)
    {
        (byte[] key, byte[] salt) = Master(profile, seed: 0x42);
        using NativeHarness lib = StartLibSrtp(suite, key, salt);
        using var sender = new SrtpContext(profile, key, salt);
        using var receiver = new SrtpContext(profile, key, salt);
        using var shuffledReceiver = new SrtpContext(profile, key, salt);
        const uint ssrc = 0xCAFEBABE;

        var fromLib = new List<(byte[] Plain, byte[] Protected)>();
        for (int i = 0; i < 14; i++)
        {
            ushort seq = (ushort)(65528 + i);
            byte[] packet = i == 3 ? WithCsrcAndExtension(seq, ssrc) : Rtp(seq, ssrc, payload: 20 + (i * 11), timestamp: (uint)i * 960);
            byte[] libProtected = Hex(Ok(lib.Send("protect " + ToHex(packet))));
            byte[] ours = Protect(sender, packet);
            Assert.Equal(ToHex(libProtected), ToHex(ours));

            (SrtpResult r, byte[] plain) = Unprotect(receiver, libProtected);
            Assert.Equal(SrtpResult.Ok, r);
            Assert.Equal(ToHex(packet), ToHex(plain));
            Assert.Equal(ToHex(packet), Ok(lib.Send("unprotect " + ToHex(ours))));
            fromLib.Add((packet, libProtected));
        }

        // A third party receiving libsrtp's packets out of order around the wrap.
        foreach (int i in new[] { 0, 5, 1, 7, 6, 2, 13, 3, 4, 12, 8, 11, 9, 10 })
        {
            (SrtpResult r, byte[] plain) = Unprotect(shuffledReceiver, fromLib[i].Protected);
            Assert.Equal(SrtpResult.Ok, r);
            Assert.Equal(fromLib[i].Plain, plain);
        }

        Assert.Equal(SrtpResult.Replayed, Unprotect(shuffledReceiver, fromLib[4].Protected).Result);

        // libsrtp sends its first SRTCP packet with index 1.
        sender.SetNextRtcpIndex(ssrc, 1);
        for (int i = 0; i < 3; i++)
        {
            byte[] rtcp = Rtcp(ssrc, fill: (byte)i);
            byte[] libProtected = Hex(Ok(lib.Send("protect_rtcp " + ToHex(rtcp))));
            byte[] ours = ProtectRtcp(sender, rtcp);
            Assert.Equal(ToHex(libProtected), ToHex(ours));
            (SrtpResult r, byte[] plain) = UnprotectRtcp(receiver, libProtected);
            Assert.Equal(SrtpResult.Ok, r);
            Assert.Equal(rtcp, plain);
            Assert.Equal(ToHex(rtcp), Ok(lib.Send("unprotect_rtcp " + ToHex(ours))));
        }

        // libsrtp rejects our replays and tampering too.
        byte[] tampered = Protect(sender, Rtp(100, ssrc));
        tampered[^1] ^= 0x80;
        Assert.StartsWith("err", lib.Send("unprotect " + ToHex(tampered)), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Authentication_only_srtcp_from_libsrtp_is_accepted(SrtpProtectionProfile profile, string suite)
    {
        (byte[] key, byte[] salt) = Master(profile, seed: 0x17);
        using NativeHarness lib = StartLibSrtp(suite, key, salt, "rtcp-auth-only");
        using var receiver = new SrtpContext(profile, key, salt);
        byte[] rtcp = Rtcp(0x0BADF00D);
        byte[] libProtected = Hex(Ok(lib.Send("protect_rtcp " + ToHex(rtcp))));

        // E flag clear: the RTCP packet travels in the clear.
        Assert.Equal(ToHex(rtcp), ToHex(libProtected.AsSpan(0, rtcp.Length)));
        (SrtpResult r, byte[] plain) = UnprotectRtcp(receiver, libProtected);
        Assert.Equal(SrtpResult.Ok, r);
        Assert.Equal(rtcp, plain);
    }

    private static NativeHarness StartLibSrtp(string suite, byte[] key, byte[] salt, string extra = "")
    {
        string exe = NativeHarness.Build("srtp-harness.c", ["libsrtp2"], []);
        NativeHarness lib = NativeHarness.Start(exe);
        Assert.Equal("ok", lib.Send($"init {suite} {ToHex(key)}{ToHex(salt)} {extra}".TrimEnd()));
        return lib;
    }

    private static string Ok(string answer)
    {
        Assert.StartsWith("ok ", answer, StringComparison.Ordinal);
        return answer[3..];
    }

    private static byte[] WithCsrcAndExtension(ushort seq, uint ssrc)
    {
        byte[] basic = Rtp(seq, ssrc, payload: 33);
        byte[] p = new byte[basic.Length + 8 + 8];
        basic.AsSpan(0, 12).CopyTo(p);
        p[0] = 0x92; // V=2, X=1, CC=2
        p.AsSpan(12, 8).Fill(0x77);
        p[20] = 0xBE;
        p[21] = 0xDE;
        p[22] = 0;
        p[23] = 1;
        p[24] = 0x10;
        p[25] = 0xAA;
        basic.AsSpan(12).CopyTo(p.AsSpan(28));
        return p;
    }
}
