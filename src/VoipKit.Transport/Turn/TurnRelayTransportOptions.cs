namespace VoipKit.Transport.Turn;

/// <summary>Limits and timeouts of a <see cref="TurnRelayTransport"/>.</summary>
internal sealed record TurnRelayTransportOptions
{
    /// <summary>
    /// Received datagrams waiting for the reader. When full, the oldest is dropped (counted in
    /// <see cref="TurnRelayCounters.DroppedQueueFull"/>): for real-time media the newest matters most. Default 128
    /// (2.5 s of 20 ms audio packets).
    /// </summary>
    public int ReceiveQueueCapacity { get; init; } = 128;

    /// <summary>The longest datagram queued for the reader (the ICE agent reads into 2048-byte buffers); longer ones are dropped and counted.</summary>
    public int MaxDatagramLength { get; init; } = 2048;

    /// <summary>How long a CreatePermission or ChannelBind may take before it is given up (sends waiting on the permission are then dropped).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Throws for values out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveQueueCapacity, 1, nameof(ReceiveQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramLength, 1, nameof(MaxDatagramLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramLength, ChannelData.MaxDataLength, nameof(MaxDatagramLength));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
    }
}
