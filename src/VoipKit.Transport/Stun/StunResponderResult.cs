namespace VoipKit.Transport.Stun;

/// <summary>What <see cref="StunBindingResponder.Respond"/> did with a datagram.</summary>
internal enum StunResponderResult
{
    /// <summary>Dropped without an answer: not STUN, malformed, a bad FINGERPRINT, or not a request.</summary>
    Dropped,

    /// <summary>A success response with XOR-MAPPED-ADDRESS was written.</summary>
    Success,

    /// <summary>An error response was written (400, 401 or 420).</summary>
    Error,

    /// <summary>A request for a method other than Binding: the caller's (for example TURN's) to answer.</summary>
    OtherMethod,

    /// <summary>The response did not fit the buffer.</summary>
    BufferTooSmall,
}
