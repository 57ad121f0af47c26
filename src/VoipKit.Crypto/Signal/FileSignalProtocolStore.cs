using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// A durable <see cref="ISignalProtocolStore"/> in a directory. Every change is written
/// atomically (temporary file, flush to disk, rename over the old file), so a crash leaves either
/// the old or the new content. Files are created readable by the owner only (on Unix); the
/// content is secret and not encrypted: put the directory in protected app storage.
/// </summary>
/// <remarks>
/// Layout: <c>identity</c> (format 1, registration id, private key), <c>identities/NAME.DEVICE</c>
/// (33-byte key), <c>prekeys/ID</c>, <c>signed-prekeys/ID</c>, <c>sessions/NAME.DEVICE</c>
/// (<see cref="SessionRecord.Serialize"/>), where NAME is the hex of the UTF-8 address name.
/// </remarks>
public sealed class FileSignalProtocolStore : ISignalProtocolStore
{
    private const byte FormatVersion = 1;
    private readonly string _root;
    private readonly Lock _gate = new();
    private readonly SignalKeyPair _identity;
    private readonly uint _registrationId;

    private FileSignalProtocolStore(string root, SignalKeyPair identity, uint registrationId)
    {
        _root = root;
        _identity = identity;
        _registrationId = registrationId;
    }

    /// <summary>Creates a new store (the directory must not hold one yet).</summary>
    /// <param name="directory">The directory; created if missing.</param>
    /// <param name="identityKeyPair">The local identity key pair.</param>
    /// <param name="registrationId">The local registration id.</param>
    /// <returns>The store.</returns>
    /// <exception cref="IOException">A store already exists there.</exception>
    public static FileSignalProtocolStore Create(string directory, SignalKeyPair identityKeyPair, uint registrationId)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(identityKeyPair);
        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        string identityPath = Path.Combine(root, "identity");
        if (File.Exists(identityPath))
        {
            throw new IOException($"A Signal store already exists in {root}.");
        }

        byte[] data = new byte[1 + 4 + 32];
        data[0] = FormatVersion;
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(1), registrationId);
        byte[] privateKey = identityKeyPair.ExportPrivateKey();
        privateKey.CopyTo(data, 5);
        CryptographicOperations.ZeroMemory(privateKey);
        WriteAtomic(identityPath, data);
        CryptographicOperations.ZeroMemory(data);
        return new FileSignalProtocolStore(root, identityKeyPair, registrationId);
    }

    /// <summary>Opens an existing store.</summary>
    /// <param name="directory">The directory given to <see cref="Create"/>.</param>
    /// <returns>The store.</returns>
    /// <exception cref="FileNotFoundException">No store there.</exception>
    /// <exception cref="InvalidDataException">The identity file is corrupt or of an unknown format.</exception>
    public static FileSignalProtocolStore Open(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string root = Path.GetFullPath(directory);
        byte[] data = File.ReadAllBytes(Path.Combine(root, "identity"));
        try
        {
            if (data.Length != 37 || data[0] != FormatVersion)
            {
                throw new InvalidDataException("Corrupt or unknown Signal identity file.");
            }

            return new FileSignalProtocolStore(root, SignalKeyPair.FromPrivateKey(data.AsSpan(5)), BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(1)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <inheritdoc />
    public SignalKeyPair GetIdentityKeyPair() => _identity;

    /// <inheritdoc />
    public uint GetLocalRegistrationId() => _registrationId;

    /// <inheritdoc />
    public bool SaveIdentity(SignalProtocolAddress address, SignalPublicKey identityKey)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        lock (_gate)
        {
            SignalPublicKey? old = GetIdentity(address);
            if (old is not null && old.Equals(identityKey))
            {
                return false;
            }

            WriteAtomic(AddressPath("identities", address), identityKey.Serialized);
            return old is not null;
        }
    }

    /// <inheritdoc />
    public bool IsTrustedIdentity(SignalProtocolAddress address, SignalPublicKey identityKey)
    {
        SignalPublicKey? known = GetIdentity(address);
        return known is null || known.Equals(identityKey);
    }

    /// <inheritdoc />
    public SignalPublicKey? GetIdentity(SignalProtocolAddress address)
    {
        byte[]? data = ReadOrNull(AddressPath("identities", address));
        return data is null ? null : SignalPublicKey.Parse(data);
    }

    /// <inheritdoc />
    public PreKeyRecord? LoadPreKey(uint preKeyId)
    {
        byte[]? data = ReadOrNull(IdPath("prekeys", preKeyId));
        if (data is null)
        {
            return null;
        }

        try
        {
            if (data.Length != 33 || data[0] != FormatVersion)
            {
                throw new InvalidDataException($"Corrupt prekey file {preKeyId}.");
            }

            return new PreKeyRecord(preKeyId, SignalKeyPair.FromPrivateKey(data.AsSpan(1)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <inheritdoc />
    public void StorePreKey(PreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        byte[] data = new byte[33];
        data[0] = FormatVersion;
        byte[] privateKey = record.KeyPair.ExportPrivateKey();
        privateKey.CopyTo(data, 1);
        CryptographicOperations.ZeroMemory(privateKey);
        WriteAtomic(IdPath("prekeys", record.Id), data);
        CryptographicOperations.ZeroMemory(data);
    }

    /// <inheritdoc />
    public bool ContainsPreKey(uint preKeyId) => File.Exists(IdPath("prekeys", preKeyId));

    /// <inheritdoc />
    public void RemovePreKey(uint preKeyId) => File.Delete(IdPath("prekeys", preKeyId));

    /// <inheritdoc />
    public SignedPreKeyRecord? LoadSignedPreKey(uint signedPreKeyId)
    {
        byte[]? data = ReadOrNull(IdPath("signed-prekeys", signedPreKeyId));
        if (data is null)
        {
            return null;
        }

        try
        {
            if (data.Length != 1 + 8 + 32 + 64 || data[0] != FormatVersion)
            {
                throw new InvalidDataException($"Corrupt signed prekey file {signedPreKeyId}.");
            }

            var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(1)));
            return new SignedPreKeyRecord(signedPreKeyId, timestamp, SignalKeyPair.FromPrivateKey(data.AsSpan(9, 32)), data.AsSpan(41, 64).ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<SignedPreKeyRecord> LoadSignedPreKeys()
    {
        string dir = Path.Combine(_root, "signed-prekeys");
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var result = new List<SignedPreKeyRecord>();
        foreach (string file in Directory.EnumerateFiles(dir))
        {
            if (uint.TryParse(Path.GetFileName(file), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint id)
                && LoadSignedPreKey(id) is SignedPreKeyRecord record)
            {
                result.Add(record);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void StoreSignedPreKey(SignedPreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Signature.Length != 64)
        {
            throw new InvalidKeyException("A signed prekey signature is 64 bytes.");
        }

        byte[] data = new byte[1 + 8 + 32 + 64];
        data[0] = FormatVersion;
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(1), record.Timestamp.ToUnixTimeMilliseconds());
        byte[] privateKey = record.KeyPair.ExportPrivateKey();
        privateKey.CopyTo(data, 9);
        CryptographicOperations.ZeroMemory(privateKey);
        record.Signature.Span.CopyTo(data.AsSpan(41));
        WriteAtomic(IdPath("signed-prekeys", record.Id), data);
        CryptographicOperations.ZeroMemory(data);
    }

    /// <inheritdoc />
    public void RemoveSignedPreKey(uint signedPreKeyId) => File.Delete(IdPath("signed-prekeys", signedPreKeyId));

    /// <inheritdoc />
    public SessionRecord? LoadSession(SignalProtocolAddress address)
    {
        byte[]? data = ReadOrNull(AddressPath("sessions", address));
        if (data is null)
        {
            return null;
        }

        try
        {
            return SessionRecord.Deserialize(data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <inheritdoc />
    public void StoreSession(SignalProtocolAddress address, SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        byte[] data = record.Serialize();
        WriteAtomic(AddressPath("sessions", address), data);
        CryptographicOperations.ZeroMemory(data);
    }

    /// <inheritdoc />
    public bool ContainsSession(SignalProtocolAddress address) => LoadSession(address) is { IsEmpty: false };

    /// <inheritdoc />
    public void DeleteSession(SignalProtocolAddress address) => File.Delete(AddressPath("sessions", address));

    /// <summary>Writes a file atomically: temporary file in the same directory, flushed to disk, then renamed over the target.</summary>
    internal static void WriteAtomic(string path, ReadOnlySpan<byte> data)
    {
        string directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static byte[]? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string AddressPath(string kind, SignalProtocolAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);

        // Hex keeps any name (slashes, dots, unicode) out of path syntax.
        string name = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(address.Name));
        return Path.Combine(_root, kind, name + "." + address.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private string IdPath(string kind, uint id) => Path.Combine(_root, kind, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
