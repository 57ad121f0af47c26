namespace VoipKit.Crypto.Signal;

/// <summary>The kinds of encrypted message, with libsignal's numeric types.</summary>
public enum CiphertextMessageType
{
    /// <summary>A normal message on an established session (<see cref="Signal.SignalMessage"/>), type 2.</summary>
    SignalMessage = 2,

    /// <summary>A message that also carries the X3DH setup (<see cref="Signal.PreKeySignalMessage"/>), type 3.</summary>
    PreKeySignalMessage = 3,
}
