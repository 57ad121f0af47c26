namespace VoipKit.Crypto.Signal;

/// <summary>
/// The remote party presented an identity key that differs from the one stored for it (trust on
/// first use). The app must show this to the user (the safety number changed) and, if the user
/// accepts, save the new key with <see cref="IIdentityKeyStore.SaveIdentity"/> before retrying.
/// Nothing was changed by the failed operation.
/// </summary>
public class UntrustedIdentityException : SignalProtocolException
{
    /// <summary>Creates the exception with a default message.</summary>
    public UntrustedIdentityException()
        : base("Untrusted identity key.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public UntrustedIdentityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public UntrustedIdentityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an address and the identity key it presented.</summary>
    /// <param name="address">The remote party.</param>
    /// <param name="identityKey">The new, untrusted identity key it presented.</param>
    public UntrustedIdentityException(SignalProtocolAddress address, SignalPublicKey identityKey)
        : base($"The identity key of {address} changed.")
    {
        Address = address;
        IdentityKey = identityKey;
    }

    /// <summary>The remote party whose identity key changed, when known.</summary>
    public SignalProtocolAddress? Address { get; }

    /// <summary>The identity key the remote party presented, when known.</summary>
    public SignalPublicKey? IdentityKey { get; }
}
