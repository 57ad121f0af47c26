namespace VoipKit.Transport.Turn;

/// <summary>What a TURN error response (or the lack of one) means for the caller.</summary>
internal enum TurnErrorKind
{
    /// <summary>A code this client has no special meaning for; see <see cref="TurnErrorException.Code"/>.</summary>
    Other,

    /// <summary>401 although credentials were sent: wrong username or password (or realm).</summary>
    Unauthorized,

    /// <summary>403 Forbidden: e.g. the peer address is not allowed by the server's policy.</summary>
    Forbidden,

    /// <summary>300 Try Alternate after the one redirection this client follows.</summary>
    TooManyRedirects,

    /// <summary>437 Allocation Mismatch: no allocation for this 5-tuple (it expired or was deleted), or one exists already.</summary>
    AllocationMismatch,

    /// <summary>438 Stale Nonce again after retrying with the new nonce.</summary>
    StaleNonce,

    /// <summary>440 Address Family not Supported.</summary>
    AddressFamilyNotSupported,

    /// <summary>441 Wrong Credentials: a request used other credentials than the allocation.</summary>
    WrongCredentials,

    /// <summary>442 Unsupported Transport Protocol.</summary>
    UnsupportedTransport,

    /// <summary>486 Allocation Quota Reached for this user.</summary>
    AllocationQuotaReached,

    /// <summary>508 Insufficient Capacity on the server.</summary>
    InsufficientCapacity,

    /// <summary>A success response whose MESSAGE-INTEGRITY is missing or does not verify with our key.</summary>
    BadResponseIntegrity,
}
