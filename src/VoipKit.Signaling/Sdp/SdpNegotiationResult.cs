namespace VoipKit.Signaling.Sdp;

/// <summary>The result of answering an offer or of processing an answer: accepted with the negotiated audio, or refused with a reason.</summary>
public sealed class SdpNegotiationResult
{
    private SdpNegotiationResult(SdpNegotiationFailure failure, string? detail, SessionDescription? answer, NegotiatedAudio? audio)
    {
        Failure = failure;
        Detail = detail;
        Answer = answer;
        Audio = audio;
    }

    /// <summary>Whether negotiation succeeded.</summary>
    public bool IsAccepted => Failure == SdpNegotiationFailure.None;

    /// <summary>Why negotiation failed, or <see cref="SdpNegotiationFailure.None"/>.</summary>
    public SdpNegotiationFailure Failure { get; }

    /// <summary>A human-readable explanation for logs and a SIP Warning header; never contains key material.</summary>
    public string? Detail { get; }

    /// <summary>The answer to send, when this is the result of answering an offer that was accepted.</summary>
    public SessionDescription? Answer { get; }

    /// <summary>The negotiated audio stream when accepted.</summary>
    public NegotiatedAudio? Audio { get; }

    /// <summary>The SIP status to send for an offer: 200 when accepted, 488 Not Acceptable Here otherwise.</summary>
    public int SipStatusCode => IsAccepted ? 200 : 488;

    internal static SdpNegotiationResult Accepted(SessionDescription? answer, NegotiatedAudio audio) => new(SdpNegotiationFailure.None, null, answer, audio);

    internal static SdpNegotiationResult Refused(SdpNegotiationFailure failure, string detail) => new(failure, detail, null, null);
}
