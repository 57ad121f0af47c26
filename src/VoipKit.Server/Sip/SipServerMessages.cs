using VoipKit.Signaling.Messages;

namespace VoipKit.Server.Sip;

/// <summary>Building responses and rewriting header lists for the registrar and the proxy.</summary>
internal static class SipServerMessages
{
    public const string ServerName = "VoipKit.Server";

    /// <summary>A response to <paramref name="request"/> (RFC 3261 8.2.6): its Via, From, To (with our tag), Call-ID, CSeq.</summary>
    public static SipResponse CreateResponse(SipRequest request, int statusCode, string toTag, string? reason = null)
    {
        var response = new SipResponse(statusCode, reason);
        Copy(request, response, SipHeaderNames.Via);
        Copy(request, response, SipHeaderNames.From);
        if (request.GetHeader(SipHeaderNames.To) is { } to)
        {
            response.AddHeader(SipHeaderNames.To, request.To?.Tag is null && statusCode > 100 ? to + ";tag=" + toTag : to);
        }

        Copy(request, response, SipHeaderNames.CallId);
        Copy(request, response, SipHeaderNames.CSeq);
        response.AddHeader("Server", ServerName);
        return response;
    }

    /// <summary>Replaces every field named <paramref name="name"/> by one field per value, where the first one was.</summary>
    public static void ReplaceList(SipMessage message, string name, IEnumerable<string> values)
    {
        IList<SipHeader> headers = message.Headers;
        int index = -1;
        for (int i = 0; i < headers.Count; i++)
        {
            if (headers[i].Is(name))
            {
                index = i;
                break;
            }
        }

        message.RemoveHeaders(name);
        if (index < 0)
        {
            index = headers.Count;
        }

        foreach (string value in values)
        {
            headers.Insert(index++, new SipHeader(name, value));
        }
    }

    /// <summary>Puts <paramref name="values"/> on top of the field list <paramref name="name"/> (before its first field,
    /// or after the Via fields when there is none).</summary>
    public static void Prepend(SipMessage message, string name, IReadOnlyList<string> values)
    {
        IList<SipHeader> headers = message.Headers;
        int index = -1;
        int afterVia = 0;
        for (int i = 0; i < headers.Count; i++)
        {
            if (headers[i].Is(name))
            {
                index = i;
                break;
            }

            if (headers[i].Is(SipHeaderNames.Via))
            {
                afterVia = i + 1;
            }
        }

        if (index < 0)
        {
            index = name == SipHeaderNames.Via ? 0 : afterVia;
        }

        foreach (string value in values)
        {
            headers.Insert(index++, new SipHeader(name, value));
        }
    }

    private static void Copy(SipMessage from, SipMessage to, string name)
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
