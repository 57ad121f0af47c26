using VoipKit.Crypto.Signal;

namespace VoipKit;

/// <summary>
/// A prekey directory in memory, shared by the clients of one process (tests, samples, an app that hosts both ends).
/// Each one-time prekey is handed out at most once, also under concurrent fetches. Not persistent and not
/// authenticated: anyone holding the object may publish for any account.
/// </summary>
public sealed class InMemoryPreKeyDirectory : IPreKeyDirectory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<uint, Device>> _accounts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many one-time prekeys are left for a device (0 when unknown).</summary>
    /// <param name="addressOfRecord">The account, as <c>user@domain</c>.</param>
    /// <param name="deviceId">The device.</param>
    /// <returns>The count.</returns>
    public int CountOneTimePreKeys(string addressOfRecord, uint deviceId)
    {
        lock (_gate)
        {
            return _accounts.TryGetValue(addressOfRecord, out var devices) && devices.TryGetValue(deviceId, out Device? d) ? d.OneTime.Count : 0;
        }
    }

    /// <inheritdoc/>
    public Task PublishAsync(DevicePreKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrWhiteSpace(keys.AddressOfRecord);
        if (keys.SignedPreKeySignature.Length != 64)
        {
            throw new ArgumentException("A signed prekey signature is 64 bytes.", nameof(keys));
        }

        lock (_gate)
        {
            if (!_accounts.TryGetValue(keys.AddressOfRecord, out var devices))
            {
                devices = [];
                _accounts[keys.AddressOfRecord] = devices;
            }

            if (!devices.TryGetValue(keys.DeviceId, out Device? device) || !device.Keys.IdentityKey.Equals(keys.IdentityKey))
            {
                device = new Device(keys); // a new device, or the same id with a new identity (reinstalled): old one-time keys are useless
                devices[keys.DeviceId] = device;
            }
            else
            {
                device.Keys = keys;
            }

            foreach (OneTimePreKey key in keys.OneTimePreKeys)
            {
                if (device.Ids.Add(key.Id))
                {
                    device.OneTime.Enqueue(key);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<PreKeyBundle>> FetchAsync(string addressOfRecord, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(addressOfRecord);
        var bundles = new List<PreKeyBundle>();
        lock (_gate)
        {
            if (_accounts.TryGetValue(addressOfRecord, out var devices))
            {
                foreach ((uint id, Device device) in devices)
                {
                    DevicePreKeys k = device.Keys;
                    OneTimePreKey? oneTime = device.OneTime.TryDequeue(out OneTimePreKey? next) ? next : null;
                    bundles.Add(new PreKeyBundle(k.RegistrationId, id, oneTime?.Id, oneTime?.PublicKey, k.SignedPreKeyId, k.SignedPreKey, k.SignedPreKeySignature.Span, k.IdentityKey));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<PreKeyBundle>>(bundles);
    }

    private sealed class Device(DevicePreKeys keys)
    {
        public DevicePreKeys Keys { get; set; } = keys;

        public Queue<OneTimePreKey> OneTime { get; } = new();

        // Every id ever published for this identity: a republished id is not handed out a second time.
        public HashSet<uint> Ids { get; } = [];
    }
}
