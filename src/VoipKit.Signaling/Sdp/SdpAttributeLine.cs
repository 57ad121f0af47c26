namespace VoipKit.Signaling.Sdp;

/// <summary>An <c>a=</c> line VoipKit has no typed model for, kept verbatim so that it survives a round trip.</summary>
public sealed record SdpAttributeLine
{
    /// <summary>The attribute name (before the first colon).</summary>
    public required string Name { get; init; }

    /// <summary>The value after the first colon, or null for a property attribute such as <c>a=recvonly</c>.</summary>
    public string? Value { get; init; }
}
