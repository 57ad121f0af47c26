using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using VoipKit.Crypto.Signal;

namespace VoipKit;

/// <summary>
/// The client's Signal side: publishes its prekeys, starts sessions from fetched bundles, seals and opens call secrets,
/// and keeps the trust decisions (trust on first use, changed keys, verified keys). Every operation on the store is
/// serialized: the stores are not safe for concurrent use and a ratchet step must not interleave with another.
/// </summary>
internal sealed partial class EndToEndKeys : IDisposable
{
    private readonly ISignalProtocolStore _store;
    private readonly IPreKeyDirectory _directory;
    private readonly string _localAor;
    private readonly uint _deviceId;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _verified = new(StringComparer.Ordinal);

    public EndToEndKeys(ISignalProtocolStore store, IPreKeyDirectory directory, string localAor, uint deviceId, TimeProvider time, ILogger logger)
    {
        _store = store;
        _directory = directory;
        _localAor = localAor;
        _deviceId = deviceId;
        _time = time;
        _logger = logger;
    }

    public uint DeviceId => _deviceId;

    public SignalPublicKey LocalIdentity => _store.GetIdentityKeyPair().PublicKey;

    /// <summary>Asked when a peer's identity key changed; null refuses every change.</summary>
    public Func<IdentityKeyChange, CancellationToken, ValueTask<bool>>? IdentityKeyChanged { get; set; }

    /// <summary>Generates a signed prekey when none exists and <paramref name="oneTimeCount"/> fresh one-time prekeys, stores the private halves and publishes the public ones.</summary>
    public async Task PublishAsync(int oneTimeCount, CancellationToken cancellationToken)
    {
        DevicePreKeys keys;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SignalKeyPair identity = _store.GetIdentityKeyPair();
            SignedPreKeyRecord? signed = _store.LoadSignedPreKeys().MaxBy(k => k.Timestamp);
            if (signed is null)
            {
                signed = KeyHelper.GenerateSignedPreKey(identity, (uint)RandomNumberGenerator.GetInt32(1, (int)KeyHelper.MaxPreKeyId), _time);
                _store.StoreSignedPreKey(signed);
            }

            // Random start ids: a restarted client with a persistent store does not reuse ids it handed out before.
            uint start = (uint)RandomNumberGenerator.GetInt32(1, (int)KeyHelper.MaxPreKeyId - oneTimeCount);
            IReadOnlyList<PreKeyRecord> oneTime = KeyHelper.GeneratePreKeys(start, oneTimeCount);
            foreach (PreKeyRecord k in oneTime)
            {
                _store.StorePreKey(k);
            }

            keys = new DevicePreKeys
            {
                AddressOfRecord = _localAor,
                DeviceId = _deviceId,
                RegistrationId = _store.GetLocalRegistrationId(),
                IdentityKey = identity.PublicKey,
                SignedPreKeyId = signed.Id,
                SignedPreKey = signed.KeyPair.PublicKey,
                SignedPreKeySignature = signed.Signature,
                OneTimePreKeys = [.. oneTime.Select(k => new OneTimePreKey(k.Id, k.KeyPair.PublicKey))],
            };
        }
        finally
        {
            _gate.Release();
        }

        await _directory.PublishAsync(keys, cancellationToken).ConfigureAwait(false);
        LogPublished(_logger, _localAor, _deviceId, oneTimeCount);
    }

    /// <summary>
    /// Seals a fresh call secret to <paramref name="offer"/> for the callee's device, starting a session from the
    /// directory when there is none. Null when the callee published no keys.
    /// </summary>
    /// <exception cref="CallException">The callee's identity changed and the app refused it, or its bundle is forged.</exception>
    public async Task<SealedOffer?> SealAsync(string remoteAor, ReadOnlyMemory<byte> offer, CancellationToken cancellationToken)
    {
        // v1: one device per account (the first in the directory); the format already names the device (docs/e2e-calls.md).
        (uint? device, bool existing) = await FindDeviceAsync(remoteAor, cancellationToken).ConfigureAwait(false);
        if (device is not uint deviceId)
        {
            return null;
        }

        var address = new SignalProtocolAddress(remoteAor, deviceId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SealedCallSecret sealedSecret = CallKeyExchange.Seal(new SessionCipher(_store, address), offer.Span);
            SignalPublicKey remote = _store.GetIdentity(address) ?? throw new CallException(new CallEnd(CallEndReason.SecurityRefused, null, "no identity key for the callee"));
            return new SealedOffer(sealedSecret.Secret, new E2eCallBody.SealedPart(deviceId, _deviceId, sealedSecret.Message), address, remote, existing);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Opens the call secret a caller sealed to <paramref name="offer"/>; asks the app when the caller's identity changed.</summary>
    /// <exception cref="CallException">SecurityRefused: not for this device, not bound to this offer, undecryptable, or a refused identity.</exception>
    public async Task<OpenedOffer> OpenAsync(string callerAor, IReadOnlyList<E2eCallBody.SealedPart> parts, ReadOnlyMemory<byte> offer, CancellationToken cancellationToken)
    {
        E2eCallBody.SealedPart part = parts.FirstOrDefault(p => p.RecipientDevice == _deviceId)
            ?? throw Refused("the offer carries no call key for this device");
        var address = new SignalProtocolAddress(callerAor, part.SenderDevice);
        for (int attempt = 0; ; attempt++)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            SignalPublicKey changedTo;
            try
            {
                CallSecret secret = CallKeyExchange.Open(new SessionCipher(_store, address), part.Message, offer.Span);
                SignalPublicKey caller = _store.GetIdentity(address) ?? throw Refused("no identity key for the caller");
                return new OpenedOffer(secret, address, caller);
            }
            catch (UntrustedIdentityException e) when (attempt == 0 && e.IdentityKey is not null)
            {
                changedTo = e.IdentityKey;
            }
            catch (SignalProtocolException e)
            {
                throw new CallException(new CallEnd(CallEndReason.SecurityRefused, 488, "the call key could not be opened: " + e.Message), e);
            }
            finally
            {
                _gate.Release();
            }

            await AcceptChangedIdentityAsync(address, changedTo, cancellationToken).ConfigureAwait(false);
        }
    }

    public string SafetyNumber(string remoteAor, SignalPublicKey remoteIdentity) =>
        Crypto.Signal.SafetyNumber.Compute(_localAor, LocalIdentity, remoteAor, remoteIdentity);

    public bool IsVerified(string remoteAor, SignalPublicKey key)
    {
        lock (_verified)
        {
            return _verified.Contains(VerifiedKey(remoteAor, key));
        }
    }

    public void MarkVerified(string remoteAor, SignalPublicKey key)
    {
        lock (_verified)
        {
            _verified.Add(VerifiedKey(remoteAor, key));
        }
    }

    public void Dispose() => _gate.Dispose();

    private static string VerifiedKey(string aor, SignalPublicKey key) => aor + "|" + Convert.ToHexString(key.Serialized);

    private static CallException Refused(string detail) => new(new CallEnd(CallEndReason.SecurityRefused, 488, detail));

    /// <summary>Drops the session with a device (it could not open our message: it reinstalled or lost its state), so the next call starts anew from the directory.</summary>
    public async Task ForgetSessionAsync(SignalProtocolAddress address, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _store.DeleteSession(address);
        }
        finally
        {
            _gate.Release();
        }

        LogSessionForgotten(_logger, address.Name, address.DeviceId);
    }

    private async Task<(uint? Device, bool Existing)> FindDeviceAsync(string remoteAor, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // An existing session is used as it is: the directory is consulted only to start one.
            for (uint d = 1; d <= 4; d++)
            {
                if (_store.ContainsSession(new SignalProtocolAddress(remoteAor, d)))
                {
                    return (d, true);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        IReadOnlyList<PreKeyBundle> bundles = await _directory.FetchAsync(remoteAor, cancellationToken).ConfigureAwait(false);
        if (bundles.Count == 0)
        {
            return (null, false);
        }

        PreKeyBundle bundle = bundles[0];
        var address = new SignalProtocolAddress(remoteAor, bundle.DeviceId);
        for (int attempt = 0; ; attempt++)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                new SessionBuilder(_store, address).ProcessPreKeyBundle(bundle);
                return (bundle.DeviceId, false);
            }
            catch (UntrustedIdentityException) when (attempt == 0)
            {
                // handled below, outside the lock: the app's answer may take a while
            }
            catch (InvalidKeyException e)
            {
                throw new CallException(new CallEnd(CallEndReason.SecurityRefused, null, "the callee's prekey bundle does not verify: " + e.Message), e);
            }
            finally
            {
                _gate.Release();
            }

            await AcceptChangedIdentityAsync(address, bundle.IdentityKey, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AcceptChangedIdentityAsync(SignalProtocolAddress address, SignalPublicKey newKey, CancellationToken cancellationToken)
    {
        SignalPublicKey? old = _store.GetIdentity(address);
        var change = new IdentityKeyChange(address.Name, address.DeviceId, SafetyNumber(address.Name, newKey), old is not null && IsVerified(address.Name, old));
        bool accepted = IdentityKeyChanged is { } ask && await ask(change, cancellationToken).ConfigureAwait(false);
        LogIdentityChanged(_logger, address.Name, address.DeviceId, accepted);
        if (!accepted)
        {
            throw Refused($"the identity key of {address.Name} changed and was not accepted");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _store.SaveIdentity(address, newKey);
            _store.DeleteSession(address); // the old session belongs to the old key
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published prekeys of {Account} device {Device}: {Count} one-time prekeys")]
    private static partial void LogPublished(ILogger logger, string account, uint device, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the session with {Account} device {Device}: it could not open our call key")]
    private static partial void LogSessionForgotten(ILogger logger, string account, uint device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity key of {Account} device {Device} changed; accepted by the app: {Accepted}")]
    private static partial void LogIdentityChanged(ILogger logger, string account, uint device, bool accepted);

    /// <summary>A sealed call secret and what the caller needs to derive keys.</summary>
    public sealed record SealedOffer(CallSecret Secret, E2eCallBody.SealedPart Part, SignalProtocolAddress Remote, SignalPublicKey RemoteIdentity, bool FromExistingSession);

    /// <summary>An opened call secret and the caller's identity.</summary>
    public sealed record OpenedOffer(CallSecret Secret, SignalProtocolAddress Remote, SignalPublicKey RemoteIdentity);
}
