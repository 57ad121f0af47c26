using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

/// <summary>
/// The same check as the fuzz target tests/Fuzz/VoipKit.Fuzz/SipMessageTarget.cs: parse; on success serialize,
/// re-parse and require equality. Kept here so the test project does not depend on the fuzz project.
/// </summary>
internal static class SipFuzzRoundTrip
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
            SipMessage again = SipMessage.Parse(first, options);
            if (!again.Equals(message) || !again.ToArray().AsSpan().SequenceEqual(first))
            {
                throw new InvalidOperationException("Round trip changed the message.");
            }

            // Every typed accessor must work on a parsed message.
            _ = (message.Via, message.From, message.To, message.CSeq, message.Contacts, message.Routes, message.RecordRoutes,
                message.MaxForwards, message.ContentType, message.Expires, message.SessionExpires, message.MinSE, message.Supported,
                message.Require);
            if (message.ContentType is { IsMultipart: true, Boundary: { } boundary }
                && SipMultipartBody.TryParse(message.Body.Span, boundary, out SipMultipartBody? body, out _))
            {
                _ = body.Parts.Count;
            }
        }
    }
}
