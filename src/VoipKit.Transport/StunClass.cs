namespace VoipKit.Transport;

/// <summary>The class of a STUN message (RFC 8489 section 5).</summary>
public enum StunClass
{
    /// <summary>A request, answered by a success or error response.</summary>
    Request = 0,

    /// <summary>An indication: no response is expected.</summary>
    Indication = 1,

    /// <summary>A success response.</summary>
    SuccessResponse = 2,

    /// <summary>An error response.</summary>
    ErrorResponse = 3,
}
