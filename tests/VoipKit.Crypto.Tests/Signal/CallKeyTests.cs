using System.Text;
using VoipKit.Crypto.Signal;

namespace VoipKit.Crypto.Tests.Signal;

public class CallKeyTests
{
    private static readonly byte[] Offer = Encoding.UTF8.GetBytes("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nm=audio 4000 RTP/SAVP 111\r\n");

    [Theory]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1Tag80, 16, 14)]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1Tag32, 16, 14)]
    [InlineData(SrtpProtectionProfile.AeadAes128Gcm, 16, 12)]
    [InlineData(SrtpProtectionProfile.AeadAes256Gcm, 32, 12)]
    public void Both_ends_derive_the_same_per_direction_keys(SrtpProtectionProfile profile, int keyLength, int saltLength)
    {
        (Party caller, Party callee) = Party.Established();
        SealedCallSecret sealedSecret = CallKeyExchange.Seal(caller.CipherFor(callee), Offer);
        using CallSecret callerSecret = sealedSecret.Secret;
        using CallSecret calleeSecret = CallKeyExchange.Open(callee.CipherFor(caller), sealedSecret.Message, Offer);
        Assert.Equal(callerSecret.BindingHash.ToArray(), calleeSecret.BindingHash.ToArray());

        using CallSrtpKeys a = callerSecret.DeriveSrtpKeys(profile, caller.Identity.PublicKey, callee.Identity.PublicKey);
        using CallSrtpKeys b = calleeSecret.DeriveSrtpKeys(profile, caller.Identity.PublicKey, callee.Identity.PublicKey);
        Assert.Equal(keyLength, a.CallerToCallee.MasterKey.Length);
        Assert.Equal(saltLength, a.CallerToCallee.MasterSalt.Length);
        Assert.Equal(a.CallerToCallee.MasterKey.ToArray(), b.CallerToCallee.MasterKey.ToArray());
        Assert.Equal(a.CallerToCallee.MasterSalt.ToArray(), b.CallerToCallee.MasterSalt.ToArray());
        Assert.Equal(a.CalleeToCaller.MasterKey.ToArray(), b.CalleeToCaller.MasterKey.ToArray());
        Assert.NotEqual(a.CallerToCallee.MasterKey.ToArray(), a.CalleeToCaller.MasterKey.ToArray());

        // Swapping the roles (identity order) gives different keys.
        using CallSrtpKeys swapped = callerSecret.DeriveSrtpKeys(profile, callee.Identity.PublicKey, caller.Identity.PublicKey);
        Assert.NotEqual(a.CallerToCallee.MasterKey.ToArray(), swapped.CallerToCallee.MasterKey.ToArray());
    }

    [Fact]
    public void Secret_bound_to_other_call_data_is_rejected_and_sessions_continue()
    {
        (Party caller, Party callee) = Party.Established();
        SealedCallSecret sealedSecret = CallKeyExchange.Seal(caller.CipherFor(callee), Offer);
        byte[] otherOffer = (byte[])Offer.Clone();
        otherOffer[^3] ^= 1;
        Assert.Throws<InvalidMessageException>(() => CallKeyExchange.Open(callee.CipherFor(caller), sealedSecret.Message, otherOffer));
        Assert.Equal("ok", Encoding.UTF8.GetString(callee.CipherFor(caller).Decrypt(caller.CipherFor(callee).Encrypt("ok"u8))));
    }

    [Fact]
    public void A_normal_message_is_not_a_call_secret()
    {
        (Party caller, Party callee) = Party.Established();
        CiphertextMessage chat = caller.CipherFor(callee).Encrypt("hello"u8);
        Assert.Throws<InvalidMessageException>(() => CallKeyExchange.Open(callee.CipherFor(caller), chat, Offer));
    }

    [Fact]
    public void Secrets_are_fresh_and_wiped_on_dispose()
    {
        (Party caller, Party callee) = Party.Established();
        SealedCallSecret one = CallKeyExchange.Seal(caller.CipherFor(callee), Offer);
        SealedCallSecret two = CallKeyExchange.Seal(caller.CipherFor(callee), Offer);
        Assert.NotEqual(one.Secret.Secret.ToArray(), two.Secret.Secret.ToArray());
        CallSrtpKeys keys = one.Secret.DeriveSrtpKeys(SrtpProtectionProfile.AeadAes256Gcm, caller.Identity.PublicKey, callee.Identity.PublicKey);
        one.Secret.Dispose();
        keys.Dispose();
        Assert.All(one.Secret.Secret.ToArray(), b => Assert.Equal(0, b));
        Assert.All(keys.CallerToCallee.MasterKey.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => one.Secret.DeriveSrtpKeys(SrtpProtectionProfile.AeadAes256Gcm, caller.Identity.PublicKey, callee.Identity.PublicKey));
        two.Secret.Dispose();
    }
}
