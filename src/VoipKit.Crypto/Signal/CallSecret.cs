using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// A fresh 32-byte secret for one call, bound to the call's data (the SHA-256 of, for example,
/// the SDP offer). Both ends derive the same per-direction SRTP keys from it. Dispose to wipe it.
/// </summary>
public sealed class CallSecret : IDisposable
{
    /// <summary>Secret length in bytes.</summary>
    public const int Length = 32;

    private static readonly byte[] CallerToCalleeLabel = Encoding.ASCII.GetBytes("VoipKit call SRTP v1 caller to callee");
    private static readonly byte[] CalleeToCallerLabel = Encoding.ASCII.GetBytes("VoipKit call SRTP v1 callee to caller");

    private readonly byte[] _secret;
    private readonly byte[] _bindingHash;
    private bool _disposed;

    internal CallSecret(byte[] secret, byte[] bindingHash)
    {
        _secret = secret;
        _bindingHash = bindingHash;
    }

    /// <summary>SHA-256 of the call data the secret is bound to.</summary>
    public ReadOnlySpan<byte> BindingHash => _bindingHash;

    internal ReadOnlySpan<byte> Secret => _secret;

    /// <summary>
    /// Derives the SRTP master keys and salts of both directions with HKDF-SHA256: input the
    /// secret, salt the binding hash, info a direction label || profile id (2 bytes, big-endian)
    /// || caller identity key (33) || callee identity key (33).
    /// </summary>
    /// <param name="profile">The SRTP profile (sets the key and salt sizes).</param>
    /// <param name="callerIdentity">The caller's identity key.</param>
    /// <param name="calleeIdentity">The callee's identity key.</param>
    /// <returns>The keys; dispose them when the call ends.</returns>
    public CallSrtpKeys DeriveSrtpKeys(SrtpProtectionProfile profile, SignalPublicKey callerIdentity, SignalPublicKey calleeIdentity)
    {
        ArgumentNullException.ThrowIfNull(callerIdentity);
        ArgumentNullException.ThrowIfNull(calleeIdentity);
        int keyLength = profile.MasterKeyLength();
        int saltLength = profile.MasterSaltLength();
        return new CallSrtpKeys(
            profile,
            Derive(CallerToCalleeLabel, profile, callerIdentity, calleeIdentity, keyLength, saltLength),
            Derive(CalleeToCallerLabel, profile, callerIdentity, calleeIdentity, keyLength, saltLength));
    }

    /// <summary>Wipes the secret.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_secret);
        _disposed = true;
    }

    private CallDirectionKeys Derive(byte[] label, SrtpProtectionProfile profile, SignalPublicKey caller, SignalPublicKey callee, int keyLength, int saltLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] info = new byte[label.Length + 2 + (2 * SignalPublicKey.SerializedLength)];
        label.CopyTo(info, 0);
        BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(label.Length), (ushort)profile);
        caller.Serialized.CopyTo(info.AsSpan(label.Length + 2));
        callee.Serialized.CopyTo(info.AsSpan(label.Length + 2 + SignalPublicKey.SerializedLength));
        Span<byte> output = stackalloc byte[keyLength + saltLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, output, _bindingHash, info);
        var keys = new CallDirectionKeys(output[..keyLength].ToArray(), output[keyLength..].ToArray());
        CryptographicOperations.ZeroMemory(output);
        return keys;
    }
}
