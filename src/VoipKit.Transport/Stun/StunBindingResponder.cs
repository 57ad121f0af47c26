namespace VoipKit.Transport.Stun;

/// <summary>
/// The server side of a Binding transaction (RFC 8489 sections 6.3 and 9.1.3), stateless: answers a Binding request
/// with the source's XOR-MAPPED-ADDRESS, or 420 (with UNKNOWN-ATTRIBUTES) when it carries comprehension-required
/// attributes we do not know. With a short-term key (an ICE agent answering checks), a request without USERNAME and
/// MESSAGE-INTEGRITY gets 400, a wrong MESSAGE-INTEGRITY 401, and success responses are signed with the key.
/// Responses carry FINGERPRINT when the request did.
/// </summary>
internal static class StunBindingResponder
{
    private const int MaxUnknown = 16;

    /// <summary>Answers one datagram into <paramref name="response"/>; allocates nothing.</summary>
    /// <param name="request">The received datagram.</param>
    /// <param name="source">Where it came from: the mapped address to report.</param>
    /// <param name="response">Where to write the answer (548 bytes are enough).</param>
    /// <param name="length">The answer's length when one was written.</param>
    /// <param name="key">The short-term key that requests must be signed with; null for an open (plain STUN) server.</param>
    public static StunResponderResult Respond(ReadOnlySpan<byte> request, in StunEndPoint source, Span<byte> response, out int length, StunHmacSha1Key? key = null)
    {
        length = 0;
        if (StunMessage.TryParse(request, out StunMessage m) != StunParseResult.Ok || m.Class != StunClass.Request)
        {
            return StunResponderResult.Dropped;
        }

        if (m.HasFingerprint && !StunIntegrity.VerifyFingerprint(m))
        {
            return StunResponderResult.Dropped; // section 7.3: not a STUN message after all
        }

        if (m.Method != StunConstants.BindingMethod)
        {
            return StunResponderResult.OtherMethod;
        }

        bool fingerprint = m.HasFingerprint;
        var error = new StunMessageType(StunConstants.BindingMethod, StunClass.ErrorResponse);
        if (key is not null)
        {
            if (!m.HasMessageIntegrity || !m.HasAttribute(StunAttributeType.Username))
            {
                return Error(response, error, m.TransactionId, 400, "Bad Request", fingerprint, out length);
            }

            if (!StunIntegrity.VerifyMessageIntegrity(m, key))
            {
                return Error(response, error, m.TransactionId, 401, "Unauthorized", fingerprint, out length);
            }
        }

        Span<ushort> unknown = stackalloc ushort[MaxUnknown];
        int unknownCount = m.GetUnknownComprehensionRequired(unknown);
        if (unknownCount > 0)
        {
            var w = new StunMessageWriter(response, error, m.TransactionId);
            w.AddErrorCode(420, "Unknown Attribute");
            w.AddUnknownAttributes(unknown[..Math.Min(unknownCount, MaxUnknown)]);
            return Finish(ref w, key, fingerprint, StunResponderResult.Error, out length);
        }

        var success = new StunMessageWriter(response, StunMessageType.BindingSuccess, m.TransactionId);
        success.AddXorAddress(StunAttributeType.XorMappedAddress, source);
        return Finish(ref success, key, fingerprint, StunResponderResult.Success, out length);
    }

    // 400 and 401 are never signed: the requester's key is unknown or wrong (section 9.1.3).
    private static StunResponderResult Error(
        Span<byte> response, StunMessageType type, ReadOnlySpan<byte> transactionId, int code, string reason, bool fingerprint, out int length)
    {
        var w = new StunMessageWriter(response, type, transactionId);
        w.AddErrorCode(code, reason);
        return Finish(ref w, null, fingerprint, StunResponderResult.Error, out length);
    }

    private static StunResponderResult Finish(ref StunMessageWriter w, StunHmacSha1Key? key, bool fingerprint, StunResponderResult result, out int length)
    {
        if (key is not null)
        {
            w.AddMessageIntegrity(key);
        }

        if (fingerprint)
        {
            w.AddFingerprint();
        }

        return w.TryComplete(out length) ? result : StunResponderResult.BufferTooSmall;
    }
}
