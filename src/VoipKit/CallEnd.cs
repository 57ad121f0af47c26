namespace VoipKit;

/// <summary>How a call ended.</summary>
/// <param name="Reason">Why.</param>
/// <param name="SipStatus">The SIP status code behind it, when one was exchanged (486, 603, 404...), else null.</param>
/// <param name="Detail">A human-readable explanation for logs and support, never holding a secret.</param>
public sealed record CallEnd(CallEndReason Reason, int? SipStatus = null, string? Detail = null)
{
    /// <summary>A one-line description, for example <c>Declined (SIP 603): declined by the callee</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        Reason + (SipStatus is { } s ? $" (SIP {s})" : string.Empty) + (Detail is null ? string.Empty : ": " + Detail);
}
