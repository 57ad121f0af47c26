using System.Security.Cryptography;
using static VoipKit.Crypto.Tests.Srtp.SrtpTestData;

namespace VoipKit.Crypto.Tests.Srtp;

/// <summary>Rollover, replay, SRTCP, bad input, stream bound, allocation and disposal.</summary>
public class SrtpContextTests
{
    public static TheoryData<SrtpProtectionProfile> AllProfiles() => new(Profiles);

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Rollover_counter_follows_a_wrap_with_reordering(SrtpProtectionProfile profile)
    {
        using SrtpContext sender = Context(profile);
        using SrtpContext receiver = Context(profile);
        var packets = new List<(ushort Seq, byte[] Plain, byte[] Protected)>();
        for (int i = 0; i < 20; i++)
        {
            ushort seq = (ushort)(65525 + i);
            byte[] plain = Rtp(seq);
            packets.Add((seq, plain, Protect(sender, plain)));
        }

        // Deliver out of order across the wrap: 0..9 (ROC 1) interleaved with late 65530.. (ROC 0).
        int[] order = [0, 1, 2, 3, 4, 12, 13, 5, 6, 14, 7, 8, 9, 10, 11, 15, 19, 18, 17, 16];
        foreach (int i in order)
        {
            (SrtpResult r, byte[] plain) = Unprotect(receiver, packets[i].Protected);
            Assert.Equal(SrtpResult.Ok, r);
            Assert.Equal(packets[i].Plain, plain);
        }

        Assert.Equal(20, receiver.UnprotectCount(SrtpResult.Ok));
    }

    [Fact]
    public void Wrong_roc_guess_fails_authentication_not_decryption()
    {
        // The same packet protected at ROC 0 and at ROC 1 must differ (the ROC is authenticated).
        using SrtpContext sender = Context(SrtpProtectionProfile.AesCm128HmacSha1Tag80);
        byte[] first = Protect(sender, Rtp(100));
        for (int i = 1; i <= 3; i++)
        {
            Protect(sender, Rtp((ushort)(100 + (i * 30000))));
        }

        byte[] again = Protect(sender, Rtp(100));
        Assert.NotEqual(first, again);
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Replays_and_too_old_packets_are_dropped_and_counted(SrtpProtectionProfile profile)
    {
        using SrtpContext sender = Context(profile);
        using SrtpContext receiver = Context(profile);
        var protectedPackets = new byte[300][];
        for (int i = 0; i < 300; i++)
        {
            protectedPackets[i] = Protect(sender, Rtp((ushort)(1000 + i)));
        }

        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, protectedPackets[0]).Result);
        Assert.Equal(SrtpResult.Replayed, Unprotect(receiver, protectedPackets[0]).Result);
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, protectedPackets[200]).Result);

        // 127 behind the highest: inside the window, accepted once.
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, protectedPackets[73]).Result);
        Assert.Equal(SrtpResult.Replayed, Unprotect(receiver, protectedPackets[73]).Result);

        // 128 behind: outside the window.
        Assert.Equal(SrtpResult.TooOld, Unprotect(receiver, protectedPackets[72]).Result);
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, protectedPackets[299]).Result);

        Assert.Equal(2, receiver.UnprotectCount(SrtpResult.Replayed));
        Assert.Equal(1, receiver.UnprotectCount(SrtpResult.TooOld));
        Assert.Equal(4, receiver.UnprotectCount(SrtpResult.Ok));
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void A_good_packet_right_after_a_forged_one_goes_through(SrtpProtectionProfile profile)
    {
        using SrtpContext sender = Context(profile);
        using SrtpContext receiver = Context(profile);
        byte[] good = Protect(sender, Rtp(7));
        byte[] forged = (byte[])good.Clone();
        forged[20] ^= 0x01;

        Assert.Equal(SrtpResult.AuthenticationFailed, Unprotect(receiver, forged).Result);
        (SrtpResult r, byte[] plain) = Unprotect(receiver, good);
        Assert.Equal(SrtpResult.Ok, r);
        Assert.Equal(Rtp(7), plain);
        Assert.Equal(1, receiver.UnprotectCount(SrtpResult.AuthenticationFailed));

        // A forged packet from an unknown SSRC must not take a stream slot or move state.
        using SrtpContext wrongKey = Context(profile, seed: 9);
        Assert.Equal(SrtpResult.AuthenticationFailed, Unprotect(receiver, Protect(wrongKey, Rtp(8, ssrc: 5))).Result);
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, Protect(sender, Rtp(8, ssrc: 5))).Result);
    }

    [Theory]
    [MemberData(nameof(ProfilesAndPaths))]
    public void Both_aes_paths_interoperate_and_reject_forgeries(SrtpProtectionProfile profile, bool senderIntrinsics)
    {
        (byte[] key, byte[] salt) = Master(profile);
        using SrtpContext sender = SrtpContext.CreateForBenchmark(profile, key, salt, senderIntrinsics);
        using SrtpContext receiver = SrtpContext.CreateForBenchmark(profile, key, salt, !senderIntrinsics);
        for (int i = 0; i < 5; i++)
        {
            byte[] good = Protect(sender, Rtp((ushort)(65534 + i), payload: 17 * i));
            byte[] forged = (byte[])good.Clone();
            forged[^1] ^= 0x20;
            Assert.Equal(SrtpResult.AuthenticationFailed, Unprotect(receiver, forged).Result);
            Assert.Equal((SrtpResult.Ok, ToHex(Rtp((ushort)(65534 + i), payload: 17 * i))), Map(Unprotect(receiver, good)));
            byte[] rtcp = ProtectRtcp(sender, Rtcp(fill: (byte)i));
            Assert.Equal((SrtpResult.Ok, ToHex(Rtcp(fill: (byte)i))), Map(UnprotectRtcp(receiver, rtcp)));
        }

        static (SrtpResult, string) Map((SrtpResult R, byte[] P) x) => (x.R, ToHex(x.P));
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Malformed_packets_get_typed_results(SrtpProtectionProfile profile)
    {
        using SrtpContext sender = Context(profile);
        using SrtpContext receiver = Context(profile);
        int tag = sender.RtpOverhead;

        Assert.Equal(SrtpResult.PacketTooShort, Unprotect(receiver, new byte[] { 0x80, 0, 0, 1 }).Result);
        Assert.Equal(SrtpResult.PacketTooShort, Unprotect(receiver, []).Result);
        byte[] tooShort = new byte[11 + tag];
        tooShort[0] = 0x80;
        Assert.Equal(SrtpResult.PacketTooShort, Unprotect(receiver, tooShort).Result);
        byte[] shortPlain = new byte[40];
        shortPlain[0] = 0x80;
        Assert.Equal(SrtpResult.PacketTooShort, sender.Protect(shortPlain, 11, out _));

        byte[] badVersion = Protect(sender, Rtp(1));
        badVersion[0] = 0x40;
        Assert.Equal(SrtpResult.BadVersion, Unprotect(receiver, badVersion).Result);

        // 15 CSRCs claimed in a packet that has room for 2.
        byte[] csrc = Rtp(2, payload: 8);
        csrc[0] = 0x8F;
        Assert.Equal(SrtpResult.MalformedHeader, Unprotect(receiver, [.. csrc, .. new byte[tag]]).Result);
        byte[] csrcBuffer = [.. csrc, .. new byte[tag]];
        Assert.Equal(SrtpResult.MalformedHeader, sender.Protect(csrcBuffer, csrc.Length, out _));

        // Extension bit with a length running past the end, and with no room for its header.
        byte[] ext = Rtp(3, payload: 12);
        ext[0] = 0x90;
        ext[14] = 0x00;
        ext[15] = 0x40;
        Assert.Equal(SrtpResult.MalformedHeader, Unprotect(receiver, [.. ext, .. new byte[tag]]).Result);
        byte[] extShort = Rtp(3, payload: 2);
        extShort[0] = 0x90;
        Assert.Equal(SrtpResult.MalformedHeader, sender.Protect([.. extShort, .. new byte[tag]], extShort.Length, out _));

        // Padding longer than the payload, and a zero padding count.
        byte[] pad = Rtp(4, payload: 10);
        pad[0] = 0xA0;
        pad[^1] = 11;
        Assert.Equal(SrtpResult.MalformedPadding, sender.Protect([.. pad, .. new byte[tag]], pad.Length, out _));
        pad[^1] = 0;
        Assert.Equal(SrtpResult.MalformedPadding, sender.Protect([.. pad, .. new byte[tag]], pad.Length, out _));
        pad[^1] = 10;
        byte[] padded = Protect(sender, pad);
        (SrtpResult r, byte[] plain) = Unprotect(receiver, padded);
        Assert.Equal(SrtpResult.Ok, r);
        Assert.Equal(pad, plain);

        // No room for the tag.
        byte[] plainPacket = Rtp(5);
        Assert.Equal(SrtpResult.BufferTooSmall, sender.Protect(plainPacket, plainPacket.Length, out int n));
        Assert.Equal(0, n);

        // Still works afterwards.
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, Protect(sender, Rtp(6))).Result);
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Every_truncation_of_a_good_packet_is_dropped_without_reading_outside(SrtpProtectionProfile profile)
    {
        using SrtpContext sender = Context(profile);
        using SrtpContext receiver = Context(profile);
        byte[] srtp = Protect(sender, Rtp(9, payload: 40));
        byte[] srtcp = ProtectRtcp(sender, Rtcp());
        for (int length = 0; length < srtp.Length; length++)
        {
            // An exact-size array: any read past length would throw.
            Assert.NotEqual(SrtpResult.Ok, Unprotect(receiver, srtp[..length]).Result);
        }

        for (int length = 0; length < srtcp.Length; length++)
        {
            Assert.NotEqual(SrtpResult.Ok, UnprotectRtcp(receiver, srtcp[..length]).Result);
        }

        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, srtp).Result);
        Assert.Equal(SrtpResult.Ok, UnprotectRtcp(receiver, srtcp).Result);
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Srtcp_round_trips_with_increasing_index_and_rejects_replays(SrtpProtectionProfile profile)
    {
        using SrtpContext sender = Context(profile);
        using SrtpContext receiver = Context(profile);
        byte[] first = ProtectRtcp(sender, Rtcp());
        byte[] second = ProtectRtcp(sender, Rtcp());
        Assert.Equal(Rtcp().Length + sender.RtcpOverhead, first.Length);

        // E flag set, index 0 then 1, at the end (AEAD) or before the tag (AES-CM).
        int indexAt = profile is SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm ? first.Length - 4 : first.Length - 4 - sender.RtcpOverhead + 4;
        Assert.Equal("80000000", ToHex(first.AsSpan(indexAt, 4)));
        Assert.Equal("80000001", ToHex(second.AsSpan(indexAt, 4)));
        Assert.NotEqual(Rtcp().AsSpan(8, 8).ToArray(), first.AsSpan(8, 8).ToArray());

        Assert.Equal((SrtpResult.Ok, ToHex(Rtcp())), Map(UnprotectRtcp(receiver, second)));
        Assert.Equal((SrtpResult.Ok, ToHex(Rtcp())), Map(UnprotectRtcp(receiver, first)));
        Assert.Equal(SrtpResult.Replayed, UnprotectRtcp(receiver, first).Result);

        byte[] forged = (byte[])first.Clone();
        forged[indexAt + 3] ^= 0x04;
        Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtcp(receiver, forged).Result);

        static (SrtpResult, string) Map((SrtpResult R, byte[] P) x) => (x.R, ToHex(x.P));
    }

    [Theory]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1Tag32)]
    [InlineData(SrtpProtectionProfile.AeadAes128Gcm)]
    [InlineData(SrtpProtectionProfile.AeadAes256Gcm)]
    public void Unencrypted_srtcp_with_the_e_flag_clear_is_accepted(SrtpProtectionProfile profile)
    {
        bool aead = profile is SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm;
        var keys = new SrtpSessionKeys(profile.MasterKeyLength(), aead ? 12 : 14, aead ? 0 : 20);
        RandomNumberGenerator.Fill(keys.RtcpKey);
        RandomNumberGenerator.Fill(keys.RtcpSalt);
        RandomNumberGenerator.Fill(keys.RtcpAuth);
        byte[] rtcpKey = (byte[])keys.RtcpKey.Clone();
        byte[] rtcpSalt = (byte[])keys.RtcpSalt.Clone();
        byte[] rtcpAuth = (byte[])keys.RtcpAuth.Clone();
        using var receiver = new SrtpContext(profile, keys, 4, allowIntrinsics: true);

        byte[] rtcp = Rtcp(0x01020304);
        byte[] eIndex = [0x00, 0x00, 0x00, 0x07];
        byte[] packet;
        if (aead)
        {
            // RFC 7714 9.2: AAD = packet || E|index, empty plaintext; IV with the index.
            byte[] nonce = (byte[])rtcpSalt.Clone();
            nonce[2] ^= 0x01;
            nonce[3] ^= 0x02;
            nonce[4] ^= 0x03;
            nonce[5] ^= 0x04;
            nonce[11] ^= 0x07;
            byte[] tag = new byte[16];
            using var gcm = new AesGcm(rtcpKey, 16);
            byte[] aad = [.. rtcp, .. eIndex];
            gcm.Encrypt(nonce, Array.Empty<byte>(), Array.Empty<byte>(), tag, aad);
            packet = [.. rtcp, .. tag, .. eIndex];
        }
        else
        {
#pragma warning disable CA5350 // RFC 3711 mandates HMAC-SHA1.
            byte[] mac = HMACSHA1.HashData(rtcpAuth, (byte[])[.. rtcp, .. eIndex]);
#pragma warning restore CA5350
            packet = [.. rtcp, .. eIndex, .. mac[..10]];
        }

        (SrtpResult r, byte[] plain) = UnprotectRtcp(receiver, packet);
        Assert.Equal(SrtpResult.Ok, r);
        Assert.Equal(rtcp, plain);
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void The_number_of_streams_is_bounded(SrtpProtectionProfile profile)
    {
        using SrtpContext sender = Context(profile, maxStreams: 8);
        using SrtpContext receiver = Context(profile, maxStreams: 2);
        byte[] a = Protect(sender, Rtp(1, ssrc: 1));
        byte[] b = Protect(sender, Rtp(1, ssrc: 2));
        byte[] c = Protect(sender, Rtp(1, ssrc: 3));
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, a).Result);
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, b).Result);
        Assert.Equal(SrtpResult.TooManyStreams, Unprotect(receiver, c).Result);
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, Protect(sender, Rtp(2, ssrc: 1))).Result);

        using SrtpContext small = Context(profile, maxStreams: 1);
        Protect(small, Rtp(1, ssrc: 1));
        byte[] other = Rtp(1, ssrc: 2);
        Assert.Equal(SrtpResult.TooManyStreams, small.Protect([.. other, .. new byte[small.RtpOverhead]], other.Length, out _));
    }

    public static TheoryData<SrtpProtectionProfile, bool> ProfilesAndPaths()
    {
        var data = new TheoryData<SrtpProtectionProfile, bool>();
        foreach (SrtpProtectionProfile p in Profiles)
        {
            data.Add(p, true);
            data.Add(p, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProfilesAndPaths))]
    public void Steady_state_protect_and_unprotect_allocate_nothing(SrtpProtectionProfile profile, bool intrinsics)
    {
        (byte[] key, byte[] salt) = Master(profile);
        using SrtpContext sender = SrtpContext.CreateForBenchmark(profile, key, salt, intrinsics);
        using SrtpContext receiver = SrtpContext.CreateForBenchmark(profile, key, salt, intrinsics);
        Assert.Equal(intrinsics, sender.UsesIntrinsics);
        byte[] rtp = Rtp(0);
        byte[] buffer = new byte[rtp.Length + 32];
        byte[] rtcp = Rtcp();
        byte[] rtcpBuffer = new byte[rtcp.Length + 32];
        void Round(int i)
        {
            rtp.CopyTo(buffer, 0);
            buffer[2] = (byte)(i >> 8);
            buffer[3] = (byte)i;
            // No Assert inside the measured loop: xunit's comparers allocate.
            bool ok = sender.Protect(buffer, rtp.Length, out int n) == SrtpResult.Ok
                && receiver.Unprotect(buffer, n, out _) == SrtpResult.Ok;
            rtcp.CopyTo(rtcpBuffer, 0);
            ok &= sender.ProtectRtcp(rtcpBuffer, rtcp.Length, out n) == SrtpResult.Ok
                && receiver.UnprotectRtcp(rtcpBuffer, n, out _) == SrtpResult.Ok;
            rtcpBuffer[10] ^= 1;
            ok &= receiver.UnprotectRtcp(rtcpBuffer, n, out _) == SrtpResult.Replayed;
            if (!ok)
            {
                throw new InvalidOperationException("round " + i + " failed");
            }
        }

        for (int i = 0; i < 100; i++)
        {
            Round(i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 100; i < 1100; i++)
        {
            Round(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Dispose_wipes_and_later_calls_throw()
    {
        SrtpContext ctx = Context(SrtpProtectionProfile.AeadAes128Gcm);
        ctx.Dispose();
        ctx.Dispose();
        byte[] buffer = new byte[200];
        Assert.Throws<ObjectDisposedException>(() => ctx.Protect(buffer, 172, out _));
        Assert.Throws<ObjectDisposedException>(() => ctx.UnprotectRtcp(buffer, 172, out _));
    }

    [Fact]
    public void Key_schedules_are_zero_after_dispose()
    {
        var aes = new AesCtr(new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
        Assert.True(aes.UsesIntrinsics);
        aes.Dispose();
        byte[] block = new byte[16];
        aes.EncryptBlock(new byte[16], block);

        // With all round keys zero, the cipher is AES under an all-zero schedule: not the original.
        using var original = new AesCtr(new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
        byte[] expected = new byte[16];
        original.EncryptBlock(new byte[16], expected);
        Assert.NotEqual(expected, block);
    }

    [Fact]
    public void Wrong_key_or_salt_lengths_throw()
    {
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProtectionProfile.AeadAes256Gcm, new byte[16], new byte[12]));
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1Tag80, new byte[16], new byte[12]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, new byte[16], new byte[12], maxStreams: 0));
        using SrtpContext ctx = Context(SrtpProtectionProfile.AeadAes128Gcm);
        Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Protect(new byte[10], 11, out _));
    }
}
