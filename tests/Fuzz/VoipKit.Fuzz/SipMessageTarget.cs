using VoipKit.Signaling.Messages;

namespace VoipKit.Fuzz;

/// <summary>
/// Fuzz target for the SIP message parser: parse as a datagram and as a stream frame; on success serialize, re-parse and
/// require the same message and the same bytes again (throwing on a mismatch so the fuzzer reports it). A typed
/// <see cref="SipParseException"/> is the expected outcome for bad input and is never thrown out of here.
/// </summary>
internal static class SipMessageTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        foreach (SipParseOptions options in (SipParseOptions[])[SipParseOptions.Datagram, SipParseOptions.Stream])
        {
            if (!SipMessage.TryParse(data, out SipMessage? message, out _, options))
            {
                continue;
            }

            byte[] first = message.ToArray();
            if (!SipMessage.TryParse(first, out SipMessage? again, out SipParseException? error, options))
            {
                throw new InvalidOperationException("A serialized message does not parse again: " + error.Message);
            }

            if (!again.Equals(message) || !again.ToArray().AsSpan().SequenceEqual(first))
            {
                throw new InvalidOperationException("Serializing and parsing again changed the message.");
            }

            // The typed accessors of a parsed message must not throw: the parser checked every typed field.
            _ = (message.Via, message.From, message.To, message.CSeq, message.Contacts, message.Routes, message.RecordRoutes,
                message.MaxForwards, message.ContentType, message.ContentLength, message.Expires, message.SessionExpires,
                message.MinSE, message.Supported, message.Require);
            if (message.ContentType is { IsMultipart: true, Boundary: { } boundary }
                && SipMultipartBody.TryParse(message.Body.Span, boundary, out SipMultipartBody? body, out _))
            {
                byte[] bytes = body.ToArray();
                if (!SipMultipartBody.TryParse(bytes, boundary, out SipMultipartBody? body2, out _) || body2.Parts.Count != body.Parts.Count)
                {
                    throw new InvalidOperationException("A serialized multipart body does not parse back to the same parts.");
                }
            }
        }
    }
}
