using System.Security.Cryptography;

namespace VoipKit.Crypto;

/// <summary>One direction's ciphers, MACs, salts, streams and counters.</summary>
internal sealed class SrtpDirection : IDisposable
{
    public readonly AesCtr? RtpCtr;
    public readonly AesCtr? RtcpCtr;
    public readonly AesGcmEngine? RtpGcm;
    public readonly AesGcmEngine? RtcpGcm;
    public readonly HmacSha1? RtpMac;
    public readonly HmacSha1? RtcpMac;

    // Session salts, zero-padded to 16 bytes (the AES-CM IV base; AEAD uses the first 12).
    public readonly byte[] RtpSalt = new byte[16];
    public readonly byte[] RtcpSalt = new byte[16];
    public readonly SrtpStreamTable RtpStreams;
    public readonly SrtpStreamTable RtcpStreams;
    public readonly long[] Counts = new long[Enum.GetValues<SrtpResult>().Length];

    public SrtpDirection(bool aead, SrtpSessionKeys keys, int maxStreams, bool allowIntrinsics)
    {
        keys.RtpSalt.CopyTo(RtpSalt, 0);
        keys.RtcpSalt.CopyTo(RtcpSalt, 0);
        if (aead)
        {
            RtpGcm = new AesGcmEngine(keys.RtpKey, allowIntrinsics);
            RtcpGcm = new AesGcmEngine(keys.RtcpKey, allowIntrinsics);
        }
        else
        {
            RtpCtr = new AesCtr(keys.RtpKey, allowIntrinsics);
            RtcpCtr = new AesCtr(keys.RtcpKey, allowIntrinsics);
            RtpMac = new HmacSha1(keys.RtpAuth);
            RtcpMac = new HmacSha1(keys.RtcpAuth);
        }

        RtpStreams = new SrtpStreamTable(maxStreams);
        RtcpStreams = new SrtpStreamTable(maxStreams);
    }

    public bool UsesIntrinsics => RtpGcm?.UsesIntrinsics ?? RtpCtr!.UsesIntrinsics;

    public void Dispose()
    {
        RtpCtr?.Dispose();
        RtcpCtr?.Dispose();
        RtpGcm?.Dispose();
        RtcpGcm?.Dispose();
        RtpMac?.Dispose();
        RtcpMac?.Dispose();
        CryptographicOperations.ZeroMemory(RtpSalt);
        CryptographicOperations.ZeroMemory(RtcpSalt);
        RtpStreams.Clear();
        RtcpStreams.Clear();
    }
}
