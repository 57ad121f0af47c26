namespace VoipKit.Signaling.Sdp;

/// <summary>The <c>a=setup</c> values of RFC 4145 as used by DTLS-SRTP (RFC 8842).</summary>
public enum DtlsSetupRole
{
    /// <summary><c>actpass</c>: the offerer can be either (offers must use this).</summary>
    ActPass,

    /// <summary><c>active</c>: this endpoint starts the DTLS handshake (the answerer's usual choice).</summary>
    Active,

    /// <summary><c>passive</c>: this endpoint waits for the handshake.</summary>
    Passive,

    /// <summary><c>holdconn</c>: no connection for now.</summary>
    HoldConn,
}
