namespace VoipKit.Signaling.Sdp;

/// <summary>Why an offer or answer was not acceptable. Every value maps to SIP 488 Not Acceptable Here for an offer.</summary>
public enum SdpNegotiationFailure
{
    /// <summary>Negotiation succeeded.</summary>
    None,

    /// <summary>The description has no usable audio stream (none, or all with port 0 or a non-RTP protocol).</summary>
    NoAudioStream,

    /// <summary>No audio codec is supported by both sides.</summary>
    NoCommonCodec,

    /// <summary>The stream uses an SRTP profile but offers no keying VoipKit can use (unknown suites, no fingerprint...).</summary>
    NoCommonSecurity,

    /// <summary>The account requires encryption and the peer offered or answered plain RTP only.</summary>
    EncryptionRequired,

    /// <summary>The account requires end-to-end keyed media and the peer does not support it.</summary>
    EndToEndRequired,

    /// <summary>The answer does not match the offer (different m-line count or media types, unknown payload type or crypto tag).</summary>
    AnswerDoesNotMatchOffer,
}
