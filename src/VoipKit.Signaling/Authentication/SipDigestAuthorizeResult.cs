namespace VoipKit.Signaling.Authentication;

/// <summary>What <see cref="SipDigestClient.TryAuthorize"/> did with a challenge.</summary>
public enum SipDigestAuthorizeResult
{
    /// <summary>Every challenged realm was answered: the request carries the new credentials and can be resent.</summary>
    Authorized,

    /// <summary>The response is not a 401/407 or carries no readable Digest challenge.</summary>
    NotAChallenge,

    /// <summary>A realm's challenges all name algorithms this library does not support.</summary>
    UnsupportedAlgorithm,

    /// <summary>A realm's challenge offers qop options but neither <c>auth</c> nor <c>auth-int</c>, or names a <c>-sess</c> algorithm without qop.</summary>
    UnsupportedQop,

    /// <summary>No credentials match a challenged realm.</summary>
    NoCredentials,

    /// <summary>
    /// The server challenged again a realm the request had just answered, without <c>stale=true</c>: the username or
    /// password is wrong. Do not retry (that would loop).
    /// </summary>
    CredentialsRejected,
}
