using System.Globalization;
using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transports;

/// <summary>
/// Stamps the top Via of a received request with where it really came from: <c>received</c> when the sent-by host is not
/// the source address (RFC 3261 18.2.1), and with an empty <c>rport</c> both <c>rport=port</c> and <c>received</c>
/// (RFC 3581 4), so responses go back through the NAT binding the request came in on.
/// </summary>
public static class SipViaReceived
{
    /// <summary>Fills received/rport in the top Via of <paramref name="request"/>.</summary>
    /// <param name="request">The received request; changed in place.</param>
    /// <param name="source">The source address and port of the datagram or connection.</param>
    /// <returns>True when the Via was changed; false when nothing was needed or the Via is missing or unreadable.</returns>
    public static bool Apply(SipRequest request, IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        IList<SipHeader> headers = request.Headers;
        int index = -1;
        for (int i = 0; i < headers.Count; i++)
        {
            if (headers[i].Is(SipHeaderNames.Via))
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return false;
        }

        string value = headers[index].Value;
        var ranges = new List<Range>(2);
        if (!SipGrammar.TrySplitList(value, ranges) || ranges.Count == 0 || !SipVia.TryParse(value.AsSpan()[ranges[0]], out SipVia? top))
        {
            return false;
        }

        IPAddress address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        bool fillRPort = top.HasRPort && top.RPort is null;
        bool hostDiffers = !IPAddress.TryParse(top.Host.AsSpan().Trim("[]"), out IPAddress? sentBy) || !sentBy.Equals(address);
        if (!fillRPort && !hostDiffers)
        {
            return false;
        }

        var parameters = new List<SipParameter>(top.Parameters.Count + 2);
        foreach (SipParameter p in top.Parameters)
        {
            bool replaced = p.Name.Equals("received", StringComparison.OrdinalIgnoreCase)
                || (fillRPort && p.Name.Equals("rport", StringComparison.OrdinalIgnoreCase));
            if (!replaced)
            {
                parameters.Add(p);
            }
        }

        // RFC 5118 4.5: an IPv6 received value is written without brackets, which is how IPAddress prints it.
        parameters.Add(new SipParameter("received", address.ToString()));
        if (fillRPort)
        {
            parameters.Add(new SipParameter("rport", source.Port.ToString(CultureInfo.InvariantCulture)));
        }

        string stamped = new SipVia(top.Transport, top.Host, top.Port, parameters).ToString();
        int restStart = ranges[0].End.GetOffset(value.Length);
        headers[index] = new SipHeader(SipHeaderNames.Via, restStart < value.Length ? stamped + value[restStart..] : stamped);
        return true;
    }
}
