using System.Security.Cryptography;
using VoipKit.Crypto;
using VoipKit.Crypto.Signal;
using VoipKit.Signaling.Sdp;

namespace VoipKit;

/// <summary>A call's SRTP keys for each direction: derived from the end-to-end call secret, or taken from SDES lines.</summary>
internal sealed class CallMediaKeys : IDisposable
{
    private readonly byte[] _sendKey;
    private readonly byte[] _sendSalt;
    private readonly byte[] _receiveKey;
    private readonly byte[] _receiveSalt;

    private CallMediaKeys(SrtpProtectionProfile profile, ReadOnlySpan<byte> sendKey, ReadOnlySpan<byte> sendSalt, ReadOnlySpan<byte> receiveKey, ReadOnlySpan<byte> receiveSalt)
    {
        Profile = profile;
        _sendKey = sendKey.ToArray();
        _sendSalt = sendSalt.ToArray();
        _receiveKey = receiveKey.ToArray();
        _receiveSalt = receiveSalt.ToArray();
    }

    public SrtpProtectionProfile Profile { get; }

    public ReadOnlyMemory<byte> SendKey => _sendKey;

    public ReadOnlyMemory<byte> SendSalt => _sendSalt;

    public ReadOnlyMemory<byte> ReceiveKey => _receiveKey;

    public ReadOnlyMemory<byte> ReceiveSalt => _receiveSalt;

    /// <summary>End to end: both directions from the call secret and the two identities (docs/e2e-calls.md).</summary>
    public static CallMediaKeys FromSecret(CallSecret secret, bool isCaller, SignalPublicKey callerIdentity, SignalPublicKey calleeIdentity)
    {
        using CallSrtpKeys keys = secret.DeriveSrtpKeys(SrtpProtectionProfile.AeadAes128Gcm, callerIdentity, calleeIdentity);
        CallDirectionKeys send = isCaller ? keys.CallerToCallee : keys.CalleeToCaller;
        CallDirectionKeys receive = isCaller ? keys.CalleeToCaller : keys.CallerToCallee;
        return new CallMediaKeys(keys.Profile, send.MasterKey, send.MasterSalt, receive.MasterKey, receive.MasterSalt);
    }

    /// <summary>Hop by hop: each side sends with the key of its own a=crypto line (RFC 4568).</summary>
    public static CallMediaKeys FromSdes(NegotiatedAudio audio)
    {
        if (audio.LocalCrypto is not { } local || audio.RemoteCrypto is not { } remote || ProfileOf(audio.SrtpSuite) is not { } profile)
        {
            throw new CallException(new CallEnd(CallEndReason.Incompatible, 488, $"unsupported SDES suite {audio.SrtpSuite}"));
        }

        // The lines stay in the call's descriptions (re-offers repeat our key) and are wiped when the call ends.
        int keyLength = profile.MasterKeyLength();
        byte[] send = local.Keys[0].KeySalt;
        byte[] receive = remote.Keys[0].KeySalt;
        return new CallMediaKeys(profile, send.AsSpan(0, keyLength), send.AsSpan(keyLength), receive.AsSpan(0, keyLength), receive.AsSpan(keyLength));
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_sendKey);
        CryptographicOperations.ZeroMemory(_sendSalt);
        CryptographicOperations.ZeroMemory(_receiveKey);
        CryptographicOperations.ZeroMemory(_receiveSalt);
    }

    private static SrtpProtectionProfile? ProfileOf(string? suite)
    {
        foreach (SrtpProtectionProfile p in (ReadOnlySpan<SrtpProtectionProfile>)[SrtpProtectionProfile.AeadAes256Gcm, SrtpProtectionProfile.AeadAes128Gcm, SrtpProtectionProfile.AesCm128HmacSha1Tag80, SrtpProtectionProfile.AesCm128HmacSha1Tag32])
        {
            if (string.Equals(p.SdesName(), suite, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }
}
