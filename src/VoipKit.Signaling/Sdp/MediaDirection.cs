namespace VoipKit.Signaling.Sdp;

/// <summary>The direction attributes of RFC 8866 section 6.7 (<c>a=sendrecv</c>, <c>a=sendonly</c>, <c>a=recvonly</c>, <c>a=inactive</c>).</summary>
public enum MediaDirection
{
    /// <summary>Send and receive (the default when no direction attribute is present).</summary>
    SendRecv,

    /// <summary>Send only (a party putting the other on hold offers this, RFC 3264 section 8.4).</summary>
    SendOnly,

    /// <summary>Receive only.</summary>
    RecvOnly,

    /// <summary>Neither send nor receive.</summary>
    Inactive,
}
