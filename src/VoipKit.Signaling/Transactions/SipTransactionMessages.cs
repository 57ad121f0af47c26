using System.Globalization;
using System.Security.Cryptography;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>Messages the transaction layer builds itself: ACK for non-2xx, CANCEL, and simple responses.</summary>
internal static class SipTransactionMessages
{
    /// <summary>The RFC 3261 branch prefix that marks a globally unique branch (8.1.1.7).</summary>
    public const string MagicCookie = "z9hG4bK";

    /// <summary>A fresh branch with the magic cookie and 96 random bits.</summary>
    public static string NewBranch() => MagicCookie + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>A fresh To tag (64 random bits).</summary>
    public static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// The ACK for a non-2xx final response to an INVITE (RFC 3261 17.1.1.3): same Request-URI, Call-ID, From and
    /// CSeq number as the INVITE, the To of the response, only the top Via, and the INVITE's Route set.
    /// </summary>
    public static SipRequest BuildAck(SipRequest invite, SipResponse response)
    {
        var ack = new SipRequest(SipMethods.Ack, invite.RequestUri);
        ack.AddHeader(SipHeaderNames.Via, invite.Via[0].ToString());
        ack.AddHeader(SipHeaderNames.MaxForwards, "70");
        CopyHeaders(invite, ack, SipHeaderNames.From);
        CopyHeaders(response, ack, SipHeaderNames.To);
        CopyHeaders(invite, ack, SipHeaderNames.CallId);
        ack.AddHeader(SipHeaderNames.CSeq, CSeqWithMethod(invite, SipMethods.Ack));
        CopyHeaders(invite, ack, SipHeaderNames.Route);
        ack.AddHeader(SipHeaderNames.ContentLength, "0");
        return ack;
    }

    /// <summary>
    /// The CANCEL for a pending request (RFC 3261 9.1): same Request-URI, Call-ID, To, From, CSeq number and Route
    /// set, and a single Via equal to the request's top Via, so the branch matches the request's server transaction.
    /// </summary>
    public static SipRequest BuildCancel(SipRequest request)
    {
        var cancel = new SipRequest(SipMethods.Cancel, request.RequestUri);
        cancel.AddHeader(SipHeaderNames.Via, request.Via[0].ToString());
        cancel.AddHeader(SipHeaderNames.MaxForwards, "70");
        CopyHeaders(request, cancel, SipHeaderNames.From);
        CopyHeaders(request, cancel, SipHeaderNames.To);
        CopyHeaders(request, cancel, SipHeaderNames.CallId);
        cancel.AddHeader(SipHeaderNames.CSeq, CSeqWithMethod(request, SipMethods.Cancel));
        CopyHeaders(request, cancel, SipHeaderNames.Route);
        cancel.AddHeader(SipHeaderNames.ContentLength, "0");
        return cancel;
    }

    /// <summary>
    /// A response to a request (RFC 3261 8.2.6): every Via, From, Call-ID, CSeq and Timestamp (for 100) copied, the To
    /// copied with a tag added when the request's To had none and <paramref name="toTag"/> is given.
    /// </summary>
    public static SipResponse CreateResponse(SipRequest request, int statusCode, string? toTag = null)
    {
        var response = new SipResponse(statusCode);
        CopyHeaders(request, response, SipHeaderNames.Via);
        CopyHeaders(request, response, SipHeaderNames.From);
        string? to = request.GetHeader(SipHeaderNames.To);
        if (to is not null)
        {
            bool hasTag = request.To?.Tag is not null;
            response.AddHeader(SipHeaderNames.To, hasTag || toTag is null ? to : to + ";tag=" + toTag);
        }

        CopyHeaders(request, response, SipHeaderNames.CallId);
        CopyHeaders(request, response, SipHeaderNames.CSeq);
        if (statusCode == 100)
        {
            CopyHeaders(request, response, "Timestamp");
        }

        response.AddHeader(SipHeaderNames.ContentLength, "0");
        return response;
    }

    private static string CSeqWithMethod(SipRequest request, string method)
    {
        SipCSeq cseq = request.CSeq ?? throw new ArgumentException("The request has no valid CSeq.", nameof(request));
        return cseq.Number.ToString(CultureInfo.InvariantCulture) + " " + method;
    }

    private static void CopyHeaders(SipMessage from, SipMessage to, string name)
    {
        foreach (SipHeader h in from.Headers)
        {
            if (h.Is(name))
            {
                to.Headers.Add(h);
            }
        }
    }
}
