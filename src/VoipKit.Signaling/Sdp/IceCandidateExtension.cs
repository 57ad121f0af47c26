namespace VoipKit.Signaling.Sdp;

/// <summary>An extension name/value pair at the end of a candidate line (<c>generation 0</c>, <c>tcptype active</c>, <c>network-id 1</c>...).</summary>
public sealed record IceCandidateExtension
{
    /// <summary>The extension attribute name.</summary>
    public required string Name { get; init; }

    /// <summary>The extension attribute value.</summary>
    public required string Value { get; init; }
}
