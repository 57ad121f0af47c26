using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// Everything kept about the sessions with one remote device: the current session and up to 40
/// archived ones (a peer may still send on an older session for a while). Stores persist it
/// with <see cref="Serialize"/> and <see cref="Deserialize"/>; the content is secret.
/// </summary>
/// <remarks>
/// Format: one format-version byte (1) followed by a protobuf message of our own (not libsignal's):
/// record {1 current state, 2 repeated previous state}; state {1 version=3, 2 local identity,
/// 3 remote identity, 4 root key, 5 sender ratchet private key, 6 sender chain key, 7 sender counter,
/// 8 previous counter, 9 repeated receiver chain, 10 pending prekey, 11 local registration id,
/// 12 remote registration id, 13 Alice base key, 14 sender ratchet public key}; receiver chain {1 ratchet key, 2 chain key,
/// 3 counter, 4 repeated skipped {1 counter, 2 message key seed}}; pending prekey {1 prekey id,
/// 2 signed prekey id, 3 base key}.
/// </remarks>
public sealed class SessionRecord
{
    /// <summary>How many archived sessions are kept.</summary>
    public const int MaxPreviousStates = 40;

    /// <summary>The serialization format version.</summary>
    public const byte FormatVersion = 1;

    private const int MaxRecordLength = 8 * 1024 * 1024;

    internal SessionState? Current { get; set; }

    internal List<SessionState> Previous { get; } = [];

    /// <summary>Whether there is no session yet.</summary>
    public bool IsEmpty => Current is null;

    /// <summary>The remote registration id of the current session (0 if none).</summary>
    public uint RemoteRegistrationId => Current?.RemoteRegistrationId ?? 0;

    /// <summary>Archives the current session (if any) and makes <paramref name="state"/> current.</summary>
    internal void Promote(SessionState state)
    {
        if (Current is not null)
        {
            Previous.Insert(0, Current);
            if (Previous.Count > MaxPreviousStates)
            {
                Previous.RemoveAt(Previous.Count - 1);
            }
        }

        Current = state;
    }

    internal bool HasSessionWithBaseKey(SignalPublicKey baseKey)
    {
        if (Current?.AliceBaseKey?.Equals(baseKey) == true)
        {
            return true;
        }

        foreach (SessionState state in Previous)
        {
            if (state.AliceBaseKey?.Equals(baseKey) == true)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A deep copy (decryption works on one and keeps it only on success).</summary>
    internal SessionRecord Clone() => Deserialize(Serialize());

    /// <summary>A deep copy of one session state.</summary>
    internal static SessionState CloneState(SessionState state)
    {
        ProtoWriter writer = WriteState(state);
        SessionState copy = ReadState(writer.WrittenSpan);
        writer.Clear();
        return copy;
    }

    /// <summary>Serializes the record (secret material: store it protected).</summary>
    /// <returns>The bytes.</returns>
    public byte[] Serialize()
    {
        var writer = new ProtoWriter(1024);
        writer.WriteRaw([FormatVersion]);
        if (Current is not null)
        {
            writer.WriteMessage(1, WriteState(Current));
        }

        foreach (SessionState state in Previous)
        {
            writer.WriteMessage(2, WriteState(state));
        }

        byte[] result = writer.ToArray();
        writer.Clear();
        return result;
    }

    /// <summary>Restores a record written by <see cref="Serialize"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The record.</returns>
    /// <exception cref="InvalidVersionException">Unknown format version.</exception>
    /// <exception cref="InvalidMessageException">Corrupt data.</exception>
    /// <exception cref="InvalidKeyException">Corrupt key material.</exception>
    public static SessionRecord Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            throw new InvalidMessageException("Empty session record.");
        }

        if (data[0] != FormatVersion)
        {
            throw new InvalidVersionException($"Unknown session record format {data[0]}.");
        }

        var record = new SessionRecord();
        var reader = new ProtoReader(data[1..]);
        while (!reader.End)
        {
            reader.ReadTag(out int field, out int wireType);
            switch (field)
            {
                case 1:
                    if (record.Current is not null)
                    {
                        throw new InvalidMessageException("Two current sessions.");
                    }

                    record.Current = ReadState(reader.ReadBytes(wireType, MaxRecordLength));
                    break;
                case 2:
                    if (record.Previous.Count >= MaxPreviousStates)
                    {
                        throw new InvalidMessageException("Too many archived sessions.");
                    }

                    record.Previous.Add(ReadState(reader.ReadBytes(wireType, MaxRecordLength)));
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return record;
    }

    private static ProtoWriter WriteState(SessionState state)
    {
        var w = new ProtoWriter(512);
        w.WriteUInt32(1, SignalMessage.CurrentVersion);
        w.WriteBytes(2, state.LocalIdentity.Serialized);
        w.WriteBytes(3, state.RemoteIdentity.Serialized);
        w.WriteBytes(4, state.RootKey);
        byte[] privateKey = state.SenderRatchet.ExportPrivateKey();
        w.WriteBytes(5, privateKey);
        CryptographicOperations.ZeroMemory(privateKey);
        w.WriteBytes(14, state.SenderRatchet.PublicKey.Serialized);
        w.WriteBytes(6, state.SenderChainKey);
        w.WriteUInt32(7, state.SenderCounter);
        w.WriteUInt32(8, state.PreviousCounter);
        foreach (ReceiverChain chain in state.ReceiverChains)
        {
            var c = new ProtoWriter(64 + (chain.Skipped.Count * 40));
            c.WriteBytes(1, chain.RatchetKey.Serialized);
            c.WriteBytes(2, chain.ChainKey);
            c.WriteUInt32(3, chain.Counter);
            foreach ((uint counter, byte[] seed) in chain.Skipped)
            {
                var s = new ProtoWriter(40);
                s.WriteUInt32(1, counter);
                s.WriteBytes(2, seed);
                c.WriteMessage(4, s);
                s.Clear();
            }

            w.WriteMessage(9, c);
            c.Clear();
        }

        if (state.PendingPreKey is PendingPreKey pending)
        {
            var p = new ProtoWriter(48);
            if (pending.PreKeyId is uint id)
            {
                p.WriteUInt32(1, id);
            }

            p.WriteUInt32(2, pending.SignedPreKeyId);
            p.WriteBytes(3, pending.BaseKey.Serialized);
            w.WriteMessage(10, p);
        }

        w.WriteUInt32(11, state.LocalRegistrationId);
        w.WriteUInt32(12, state.RemoteRegistrationId);
        if (state.AliceBaseKey is not null)
        {
            w.WriteBytes(13, state.AliceBaseKey.Serialized);
        }

        return w;
    }

    private static SessionState ReadState(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        uint version = 0;
        SignalPublicKey? local = null;
        SignalPublicKey? remote = null;
        byte[]? rootKey = null;
        byte[]? senderRatchetPrivate = null;
        SignalPublicKey? senderRatchetPublic = null;
        byte[]? senderChainKey = null;
        uint senderCounter = 0;
        uint previousCounter = 0;
        var chains = new List<ReceiverChain>();
        PendingPreKey? pending = null;
        uint localRegistrationId = 0;
        uint remoteRegistrationId = 0;
        SignalPublicKey? aliceBaseKey = null;
        while (!reader.End)
        {
            reader.ReadTag(out int field, out int wireType);
            switch (field)
            {
                case 1: version = reader.ReadUInt32(wireType); break;
                case 2: local = SignalPublicKey.Parse(reader.ReadBytes(wireType, 33)); break;
                case 3: remote = SignalPublicKey.Parse(reader.ReadBytes(wireType, 33)); break;
                case 4: rootKey = ReadKey(ref reader, wireType); break;
                case 5: senderRatchetPrivate = ReadKey(ref reader, wireType); break;
                case 14: senderRatchetPublic = SignalPublicKey.Parse(reader.ReadBytes(wireType, 33)); break;
                case 6: senderChainKey = ReadKey(ref reader, wireType); break;
                case 7: senderCounter = reader.ReadUInt32(wireType); break;
                case 8: previousCounter = reader.ReadUInt32(wireType); break;
                case 9:
                    if (chains.Count >= SessionState.MaxReceiverChains)
                    {
                        throw new InvalidMessageException("Too many receiver chains.");
                    }

                    chains.Add(ReadChain(reader.ReadBytes(wireType, MaxRecordLength)));
                    break;
                case 10: pending = ReadPending(reader.ReadBytes(wireType, 256)); break;
                case 11: localRegistrationId = reader.ReadUInt32(wireType); break;
                case 12: remoteRegistrationId = reader.ReadUInt32(wireType); break;
                case 13: aliceBaseKey = SignalPublicKey.Parse(reader.ReadBytes(wireType, 33)); break;
                default: reader.Skip(wireType); break;
            }
        }

        if (version != SignalMessage.CurrentVersion)
        {
            throw new InvalidVersionException($"Session version {version} is not supported.");
        }

        if (local is null || remote is null || rootKey is null || senderRatchetPrivate is null || senderChainKey is null)
        {
            throw new InvalidMessageException("Incomplete session state.");
        }

        SignalKeyPair senderRatchet = senderRatchetPublic is null
            ? SignalKeyPair.FromPrivateKey(senderRatchetPrivate)
            : SignalKeyPair.FromStoredKeys(senderRatchetPrivate, senderRatchetPublic);
        CryptographicOperations.ZeroMemory(senderRatchetPrivate);

        var state = new SessionState(local, remote, rootKey, senderRatchet, senderChainKey)
        {
            SenderCounter = senderCounter,
            PreviousCounter = previousCounter,
            PendingPreKey = pending,
            LocalRegistrationId = localRegistrationId,
            RemoteRegistrationId = remoteRegistrationId,
            AliceBaseKey = aliceBaseKey,
        };
        state.ReceiverChains.AddRange(chains);
        return state;
    }

    private static ReceiverChain ReadChain(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        SignalPublicKey? ratchetKey = null;
        byte[]? chainKey = null;
        uint counter = 0;
        var skipped = new List<(uint, byte[])>();
        while (!reader.End)
        {
            reader.ReadTag(out int field, out int wireType);
            switch (field)
            {
                case 1: ratchetKey = SignalPublicKey.Parse(reader.ReadBytes(wireType, 33)); break;
                case 2: chainKey = ReadKey(ref reader, wireType); break;
                case 3: counter = reader.ReadUInt32(wireType); break;
                case 4:
                    if (skipped.Count >= SessionState.MaxSkippedKeysPerChain)
                    {
                        throw new InvalidMessageException("Too many skipped keys.");
                    }

                    skipped.Add(ReadSkipped(reader.ReadBytes(wireType, 64)));
                    break;
                default: reader.Skip(wireType); break;
            }
        }

        if (ratchetKey is null || chainKey is null)
        {
            throw new InvalidMessageException("Incomplete receiver chain.");
        }

        var chain = new ReceiverChain(ratchetKey, chainKey, counter);
        chain.Skipped.AddRange(skipped);
        return chain;
    }

    private static (uint, byte[]) ReadSkipped(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        uint counter = 0;
        byte[]? seed = null;
        while (!reader.End)
        {
            reader.ReadTag(out int field, out int wireType);
            switch (field)
            {
                case 1: counter = reader.ReadUInt32(wireType); break;
                case 2: seed = ReadKey(ref reader, wireType); break;
                default: reader.Skip(wireType); break;
            }
        }

        return (counter, seed ?? throw new InvalidMessageException("Skipped key without seed."));
    }

    private static PendingPreKey ReadPending(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        uint? preKeyId = null;
        uint signedPreKeyId = 0;
        SignalPublicKey? baseKey = null;
        while (!reader.End)
        {
            reader.ReadTag(out int field, out int wireType);
            switch (field)
            {
                case 1: preKeyId = reader.ReadUInt32(wireType); break;
                case 2: signedPreKeyId = reader.ReadUInt32(wireType); break;
                case 3: baseKey = SignalPublicKey.Parse(reader.ReadBytes(wireType, 33)); break;
                default: reader.Skip(wireType); break;
            }
        }

        return new PendingPreKey(preKeyId, signedPreKeyId, baseKey ?? throw new InvalidMessageException("Pending prekey without base key."));
    }

    private static byte[] ReadKey(ref ProtoReader reader, int wireType)
    {
        ReadOnlySpan<byte> key = reader.ReadBytes(wireType, 32);
        if (key.Length != 32)
        {
            throw new InvalidMessageException("A stored key is not 32 bytes.");
        }

        return key.ToArray();
    }
}
