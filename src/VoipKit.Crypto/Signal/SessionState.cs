using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>One Double Ratchet session with a peer (libsignal's session_state).</summary>
internal sealed class SessionState
{
    public const int MaxSkippedKeysPerChain = 2000;
    public const int MaxForwardJump = 2000;
    public const int MaxReceiverChains = 5;

    public SessionState(SignalPublicKey localIdentity, SignalPublicKey remoteIdentity, byte[] rootKey, SignalKeyPair senderRatchet, byte[] senderChainKey)
    {
        LocalIdentity = localIdentity;
        RemoteIdentity = remoteIdentity;
        RootKey = rootKey;
        SenderRatchet = senderRatchet;
        SenderChainKey = senderChainKey;
    }

    public SignalPublicKey LocalIdentity { get; }

    public SignalPublicKey RemoteIdentity { get; }

    public byte[] RootKey { get; set; }

    public SignalKeyPair SenderRatchet { get; set; }

    public byte[] SenderChainKey { get; set; }

    public uint SenderCounter { get; set; }

    public uint PreviousCounter { get; set; }

    /// <summary>Receiving chains, oldest first.</summary>
    public List<ReceiverChain> ReceiverChains { get; } = [];

    public PendingPreKey? PendingPreKey { get; set; }

    public uint LocalRegistrationId { get; set; }

    public uint RemoteRegistrationId { get; set; }

    /// <summary>Alice's X3DH base key: identifies the session so a repeated prekey message is not set up twice.</summary>
    public SignalPublicKey? AliceBaseKey { get; set; }

    public ReceiverChain? FindReceiverChain(SignalPublicKey ratchetKey)
    {
        foreach (ReceiverChain chain in ReceiverChains)
        {
            if (chain.RatchetKey.Equals(ratchetKey))
            {
                return chain;
            }
        }

        return null;
    }

    public void AddReceiverChain(ReceiverChain chain)
    {
        ReceiverChains.Add(chain);
        while (ReceiverChains.Count > MaxReceiverChains)
        {
            ReceiverChain dropped = ReceiverChains[0];
            ReceiverChains.RemoveAt(0);
            Wipe(dropped);
        }
    }

    private static void Wipe(ReceiverChain chain)
    {
        CryptographicOperations.ZeroMemory(chain.ChainKey);
        foreach ((_, byte[] seed) in chain.Skipped)
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
