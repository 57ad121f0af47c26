namespace VoipKit.Crypto.Signal;

/// <summary>A receiving chain: the peer's ratchet key, the chain key for the next counter, and skipped message key seeds.</summary>
internal sealed class ReceiverChain
{
    public ReceiverChain(SignalPublicKey ratchetKey, byte[] chainKey, uint counter)
    {
        RatchetKey = ratchetKey;
        ChainKey = chainKey;
        Counter = counter;
    }

    public SignalPublicKey RatchetKey { get; }

    public byte[] ChainKey { get; set; }

    /// <summary>The counter of the message <see cref="ChainKey"/> would produce next.</summary>
    public uint Counter { get; set; }

    /// <summary>Seeds of skipped message keys, oldest first, at most <see cref="SessionState.MaxSkippedKeysPerChain"/>.</summary>
    public List<(uint Counter, byte[] Seed)> Skipped { get; } = [];
}
