using System.Security.Cryptography;

namespace VoipKit.Crypto;

/// <summary>The six session keys and salts derived from a master key (or given by a test vector).</summary>
internal sealed class SrtpSessionKeys
{
    public SrtpSessionKeys(int keyLength, int saltLength, int authLength)
    {
        RtpKey = new byte[keyLength];
        RtpSalt = new byte[saltLength];
        RtpAuth = new byte[authLength];
        RtcpKey = new byte[keyLength];
        RtcpSalt = new byte[saltLength];
        RtcpAuth = new byte[authLength];
    }

    public byte[] RtpKey { get; }

    public byte[] RtpSalt { get; }

    public byte[] RtpAuth { get; }

    public byte[] RtcpKey { get; }

    public byte[] RtcpSalt { get; }

    public byte[] RtcpAuth { get; }

    /// <summary>Wipes every key and salt.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(RtpKey);
        CryptographicOperations.ZeroMemory(RtpSalt);
        CryptographicOperations.ZeroMemory(RtpAuth);
        CryptographicOperations.ZeroMemory(RtcpKey);
        CryptographicOperations.ZeroMemory(RtcpSalt);
        CryptographicOperations.ZeroMemory(RtcpAuth);
    }
}
