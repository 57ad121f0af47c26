namespace VoipKit.Signaling.Authentication;

/// <summary>The outcome of <see cref="SipDigestServer.Verify(Messages.SipRequest, string, bool)"/>.</summary>
public enum SipDigestVerifyResult
{
    /// <summary>The credentials are right, the nonce is ours and fresh, and the nonce count is new.</summary>
    Ok,

    /// <summary>The request carries no Digest credentials for the realm: challenge it.</summary>
    Missing,

    /// <summary>The credentials field is unreadable or lacks required directives (answer 400, or challenge).</summary>
    Malformed,

    /// <summary>The response is right but the nonce expired or is not one of ours: challenge again with <c>stale=true</c>.</summary>
    Stale,

    /// <summary>Unknown user, wrong password, or a nonce used with another algorithm or without the qop it was issued with.</summary>
    BadCredentials,

    /// <summary>The nonce count did not increase for this nonce: a replayed request.</summary>
    Replayed,

    /// <summary>The <c>uri</c> directive is not the Request-URI.</summary>
    UriMismatch,
}
