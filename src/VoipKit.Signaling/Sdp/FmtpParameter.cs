namespace VoipKit.Signaling.Sdp;

/// <summary>One <c>;</c>-separated parameter of an <c>a=fmtp:</c> line: <c>name=value</c>, or a bare token such as <c>0-15</c>.</summary>
public sealed record FmtpParameter
{
    /// <summary>The parameter name (or the whole token when it has no <c>=</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The value after the first <c>=</c>, or null for a bare token.</summary>
    public string? Value { get; init; }
}
