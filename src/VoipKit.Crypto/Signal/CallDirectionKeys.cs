using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>The SRTP master key and master salt for one direction of a call. Dispose to wipe them.</summary>
public sealed class CallDirectionKeys : IDisposable
{
    private readonly byte[] _masterKey;
    private readonly byte[] _masterSalt;

    internal CallDirectionKeys(byte[] masterKey, byte[] masterSalt)
    {
        _masterKey = masterKey;
        _masterSalt = masterSalt;
    }

    /// <summary>The SRTP master key (16 or 32 bytes, by profile).</summary>
    public ReadOnlySpan<byte> MasterKey => _masterKey;

    /// <summary>The SRTP master salt (14 or 12 bytes, by profile).</summary>
    public ReadOnlySpan<byte> MasterSalt => _masterSalt;

    /// <summary>Wipes the key and salt.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_masterKey);
        CryptographicOperations.ZeroMemory(_masterSalt);
    }
}
