namespace VoipKit;

/// <summary>How well a call's media is protected, as the app should present it to the user.</summary>
public enum CallSecurity
{
    /// <summary>Media is not encrypted.</summary>
    Clear = 0,

    /// <summary>Media is encrypted hop by hop (SRTP keyed by SDES through the servers): a server could listen.</summary>
    HopByHop = 1,

    /// <summary>Media keys are known only to the two devices, but the peer's identity has not been verified by the users.</summary>
    EndToEndUnverified = 2,

    /// <summary>Media keys are known only to the two devices and the peer's identity key was verified (safety number compared).</summary>
    EndToEndVerified = 3,
}
