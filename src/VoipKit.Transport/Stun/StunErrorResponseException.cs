namespace VoipKit.Transport.Stun;

/// <summary>The server answered with an error response (RFC 8489 section 14.8).</summary>
internal sealed class StunErrorResponseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StunErrorResponseException(int code, string reason)
        : base($"STUN error response {code} {reason}")
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>The error code (300–699), 0 when the response carried no valid ERROR-CODE.</summary>
    public int Code { get; }

    /// <summary>The reason phrase.</summary>
    public string Reason { get; }
}
