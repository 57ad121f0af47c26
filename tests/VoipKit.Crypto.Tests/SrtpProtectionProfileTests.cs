namespace VoipKit.Crypto.Tests;

public class SrtpProtectionProfileTests
{
    [Theory]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1Tag80, 16, 14, 10, 10, "AES_CM_128_HMAC_SHA1_80")]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1Tag32, 16, 14, 4, 10, "AES_CM_128_HMAC_SHA1_32")]
    [InlineData(SrtpProtectionProfile.AeadAes128Gcm, 16, 12, 16, 16, "AEAD_AES_128_GCM")]
    [InlineData(SrtpProtectionProfile.AeadAes256Gcm, 32, 12, 16, 16, "AEAD_AES_256_GCM")]
    public void Sizes_and_names_match_the_rfcs(SrtpProtectionProfile profile, int key, int salt, int srtpTag, int srtcpTag, string name)
    {
        Assert.Equal(key, profile.MasterKeyLength());
        Assert.Equal(salt, profile.MasterSaltLength());
        Assert.Equal(srtpTag, profile.SrtpTagLength());
        Assert.Equal(srtcpTag, profile.SrtcpTagLength());
        Assert.Equal(name, profile.SdesName());
    }

    [Fact]
    public void Unknown_profile_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SrtpProtectionProfile)99).MasterKeyLength());
    }
}
