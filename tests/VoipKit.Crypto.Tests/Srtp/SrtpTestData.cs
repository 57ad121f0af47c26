namespace VoipKit.Crypto.Tests.Srtp;

/// <summary>Hex helpers and packet builders shared by the SRTP tests.</summary>
internal static class SrtpTestData
{
    public static readonly SrtpProtectionProfile[] Profiles =
    [
        SrtpProtectionProfile.AesCm128HmacSha1Tag80,
        SrtpProtectionProfile.AesCm128HmacSha1Tag32,
        SrtpProtectionProfile.AeadAes128Gcm,
        SrtpProtectionProfile.AeadAes256Gcm,
    ];

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>A deterministic master key and salt for a profile.</summary>
    public static (byte[] Key, byte[] Salt) Master(SrtpProtectionProfile profile, byte seed = 1)
    {
        byte[] key = new byte[profile.MasterKeyLength()];
        byte[] salt = new byte[profile.MasterSaltLength()];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(seed + (i * 7));
        }

        for (int i = 0; i < salt.Length; i++)
        {
            salt[i] = (byte)(seed ^ (0xA0 + i));
        }

        return (key, salt);
    }

    public static SrtpContext Context(SrtpProtectionProfile profile, byte seed = 1, int maxStreams = SrtpContext.DefaultMaxStreams)
    {
        (byte[] key, byte[] salt) = Master(profile, seed);
        return new SrtpContext(profile, key, salt, maxStreams);
    }

    /// <summary>An RTP packet (12-byte header, no CSRC, no extension) with a patterned payload.</summary>
    public static byte[] Rtp(ushort seq, uint ssrc = 0x11223344, int payload = 160, uint timestamp = 0)
    {
        byte[] p = new byte[12 + payload];
        p[0] = 0x80;
        p[1] = 111;
        p[2] = (byte)(seq >> 8);
        p[3] = (byte)seq;
        p[4] = (byte)(timestamp >> 24);
        p[5] = (byte)(timestamp >> 16);
        p[6] = (byte)(timestamp >> 8);
        p[7] = (byte)timestamp;
        p[8] = (byte)(ssrc >> 24);
        p[9] = (byte)(ssrc >> 16);
        p[10] = (byte)(ssrc >> 8);
        p[11] = (byte)ssrc;
        for (int i = 12; i < p.Length; i++)
        {
            p[i] = (byte)(i * 31 + seq);
        }

        return p;
    }

    /// <summary>An RTCP receiver report with one report block.</summary>
    public static byte[] Rtcp(uint ssrc = 0x11223344, byte fill = 0x5A)
    {
        byte[] p = new byte[32];
        p[0] = 0x81;
        p[1] = 201;
        p[2] = 0;
        p[3] = 7;
        p[4] = (byte)(ssrc >> 24);
        p[5] = (byte)(ssrc >> 16);
        p[6] = (byte)(ssrc >> 8);
        p[7] = (byte)ssrc;
        for (int i = 8; i < p.Length; i++)
        {
            p[i] = (byte)(fill + i);
        }

        return p;
    }

    /// <summary>Protects a copy of <paramref name="packet"/>, asserting success.</summary>
    public static byte[] Protect(SrtpContext ctx, byte[] packet)
    {
        byte[] buffer = new byte[packet.Length + ctx.RtpOverhead];
        packet.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, ctx.Protect(buffer, packet.Length, out int n));
        return buffer[..n];
    }

    public static byte[] ProtectRtcp(SrtpContext ctx, byte[] packet)
    {
        byte[] buffer = new byte[packet.Length + ctx.RtcpOverhead];
        packet.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, ctx.ProtectRtcp(buffer, packet.Length, out int n));
        return buffer[..n];
    }

    /// <summary>Unprotects a copy; returns the result and the plain packet (empty when dropped).</summary>
    public static (SrtpResult Result, byte[] Plain) Unprotect(SrtpContext ctx, byte[] packet)
    {
        byte[] buffer = (byte[])packet.Clone();
        SrtpResult r = ctx.Unprotect(buffer, buffer.Length, out int n);
        return (r, buffer[..n]);
    }

    public static (SrtpResult Result, byte[] Plain) UnprotectRtcp(SrtpContext ctx, byte[] packet)
    {
        byte[] buffer = (byte[])packet.Clone();
        SrtpResult r = ctx.UnprotectRtcp(buffer, buffer.Length, out int n);
        return (r, buffer[..n]);
    }
}
