using System.Security.Cryptography;
using static VoipKit.Crypto.Tests.Srtp.SrtpTestData;

namespace VoipKit.Crypto.Tests.Srtp;

/// <summary>Known-answer tests: RFC 3711 appendix B.2 and B.3, RFC 7714 sections 16 and 17.</summary>
public class SrtpVectorTests
{
    // RFC 7714 session material (the vectors skip the KDF).
    private const string GcmKey128 = "000102030405060708090a0b0c0d0e0f";
    private const string GcmKey256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string GcmSalt = "517569642070726f2071756f";
    private const string GcmRtp = "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
    private const string GcmSrtp128 = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";
    private const string GcmSrtp256 = "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13";
    private const string GcmRtcp = "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
    private const string GcmSrtcp128 = "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4";
    private const string GcmSrtcp256 = "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Aes_cm_keystream_matches_rfc3711_b2(bool intrinsics)
    {
        using var aes = new AesCtr(Hex("2B7E151628AED2A6ABF7158809CF4F3C"), intrinsics);
        byte[] iv = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        byte[] keystream = new byte[0xFF02 * 16];
        aes.XorKeystream(iv, 0, keystream);

        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Convert.ToHexString(keystream, 0x0000 * 16, 16));
        Assert.Equal("D23513162B02D0F72A43A2FE4A5F97AB", Convert.ToHexString(keystream, 0x0001 * 16, 16));
        Assert.Equal("41E95B3BB0A2E8DD477901E4FCA894C0", Convert.ToHexString(keystream, 0x0002 * 16, 16));
        Assert.Equal("EC8CDF7398607CB0F2D21675EA9EA1E4", Convert.ToHexString(keystream, 0xFEFF * 16, 16));
        Assert.Equal("362B7C3C6773516318A077D7FC5073AE", Convert.ToHexString(keystream, 0xFF00 * 16, 16));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Convert.ToHexString(keystream, 0xFF01 * 16, 16));
    }

    [Fact]
    public void Key_derivation_matches_rfc3711_b3()
    {
        using var prf = new AesCtr(Hex("E1F97A0D3E018BE0D64FA32C06DE4139"));
        byte[] salt = Hex("0EC675AD498AFEEBB6960B3AABE6");
        byte[] cipherKey = new byte[16];
        byte[] cipherSalt = new byte[14];
        byte[] authKey = new byte[94];
        SrtpKeyDerivation.Derive(prf, salt, SrtpKeyDerivation.RtpEncryption, cipherKey);
        SrtpKeyDerivation.Derive(prf, salt, SrtpKeyDerivation.RtpSalt, cipherSalt);
        SrtpKeyDerivation.Derive(prf, salt, SrtpKeyDerivation.RtpAuthentication, authKey);

        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(cipherKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(cipherSalt));
        Assert.Equal(
            "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE" +
            "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25" +
            "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2",
            Convert.ToHexString(authKey));
    }

    public static TheoryData<SrtpProtectionProfile, string, string, string, bool> GcmRtpCases() => new()
    {
        { SrtpProtectionProfile.AeadAes128Gcm, GcmKey128, GcmSrtp128, GcmSrtcp128, true },
        { SrtpProtectionProfile.AeadAes128Gcm, GcmKey128, GcmSrtp128, GcmSrtcp128, false },
        { SrtpProtectionProfile.AeadAes256Gcm, GcmKey256, GcmSrtp256, GcmSrtcp256, true },
        { SrtpProtectionProfile.AeadAes256Gcm, GcmKey256, GcmSrtp256, GcmSrtcp256, false },
    };

    [Theory]
    [MemberData(nameof(GcmRtpCases))]
    public void Aead_srtp_matches_rfc7714(SrtpProtectionProfile profile, string key, string srtp, string srtcp, bool intrinsics)
    {
        using SrtpContext ctx = GcmContext(profile, key, intrinsics);
        Assert.Equal(srtp, ToHex(Protect(ctx, Hex(GcmRtp))));
        (SrtpResult r, byte[] plain) = Unprotect(ctx, Hex(srtp));
        Assert.Equal(SrtpResult.Ok, r);
        Assert.Equal(GcmRtp, ToHex(plain));

        ctx.SetNextRtcpIndex(0x4d617273, 0x5d4);
        Assert.Equal(srtcp, ToHex(ProtectRtcp(ctx, Hex(GcmRtcp))));
        (r, plain) = UnprotectRtcp(ctx, Hex(srtcp));
        Assert.Equal(SrtpResult.Ok, r);
        Assert.Equal(GcmRtcp, ToHex(plain));
    }

    [Fact]
    public void Managed_gcm_matches_the_bcl_for_many_lengths()
    {
        var rng = new Random(7);
        foreach (int keyLength in new[] { 16, 32 })
        {
            // Up to ~1 KB GHASH input is staged on the stack; longer takes the streaming path.
            foreach (int length in Enumerable.Range(0, 30).Select(i => i * 7).Concat([1000, 1024, 1500]))
            {
                byte[] key = new byte[keyLength];
                byte[] nonce = new byte[12];
                byte[] aad = new byte[length % 41];
                byte[] data = new byte[length];
                rng.NextBytes(key);
                rng.NextBytes(nonce);
                rng.NextBytes(aad);
                rng.NextBytes(data);
                byte[] managed = (byte[])data.Clone();
                byte[] bcl = (byte[])data.Clone();
                byte[] managedTag = new byte[16];
                byte[] bclTag = new byte[16];
                using var m = new AesGcmEngine(key, allowIntrinsics: true);
                using var b = new AesGcmEngine(key, allowIntrinsics: false);
                Assert.True(m.UsesIntrinsics);
                m.Seal(nonce, aad, managed, managedTag);
                b.Seal(nonce, aad, bcl, bclTag);
                Assert.Equal(ToHex(bcl), ToHex(managed));
                Assert.Equal(ToHex(bclTag), ToHex(managedTag));
                Assert.True(b.Open(nonce, aad, managed, managedTag));
                Assert.Equal(ToHex(data), ToHex(managed));
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hmac_sha1_matches_the_bcl_for_many_lengths(bool native)
    {
        var rng = new Random(11);
        byte[] key = new byte[20];
        rng.NextBytes(key);
        using var mac = new HmacSha1(key, native);
        Assert.Equal(native, mac.UsesNative);
        byte[] output = new byte[20];
        for (int length = 0; length < 300; length += 3)
        {
            byte[] data = new byte[length];
            rng.NextBytes(data);
            byte[] suffix = length % 2 == 0 ? [1, 2, 3, 4] : [];
            mac.Compute(data, suffix, output);
#pragma warning disable CA5350 // RFC 3711 mandates HMAC-SHA1.
            byte[] expected = HMACSHA1.HashData(key, (byte[])[.. data, .. suffix]);
#pragma warning restore CA5350
            Assert.Equal(ToHex(expected), ToHex(output));
        }
    }

    private static SrtpContext GcmContext(SrtpProtectionProfile profile, string key, bool intrinsics)
    {
        var keys = new SrtpSessionKeys(key.Length / 2, 12, 0);
        Hex(key).CopyTo(keys.RtpKey, 0);
        Hex(key).CopyTo(keys.RtcpKey, 0);
        Hex(GcmSalt).CopyTo(keys.RtpSalt, 0);
        Hex(GcmSalt).CopyTo(keys.RtcpSalt, 0);
        return new SrtpContext(profile, keys, SrtpContext.DefaultMaxStreams, intrinsics);
    }
}
