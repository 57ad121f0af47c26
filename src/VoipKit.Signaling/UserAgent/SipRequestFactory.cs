using System.Globalization;
using System.Net;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.UserAgent;

/// <summary>Builds the requests and responses of a user agent: Via, Contact, Route, User-Agent and the capability headers.</summary>
internal sealed class SipRequestFactory
{
    public const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE";

    private readonly SipUserAgentOptions _options;
    private readonly SipTransportSender _sender;
    private Tuple<string, int>? _publicAddress;

    public SipRequestFactory(SipUserAgentOptions options, SipTransportSender sender)
    {
        _options = options;
        _sender = sender;
    }

    public string ViaTransport => _sender.Transport.Protocol switch
    {
        SipTransportProtocol.Tcp => "TCP",
        SipTransportProtocol.Tls => "TLS",
        _ => "UDP",
    };

    /// <summary>
    /// The address and port the registrar saw our requests come from (Via received/rport), when it differs from the
    /// socket's: behind a NAT, the Contact must name the public side for calls to reach us.
    /// </summary>
    /// <remarks>A reference swapped whole, so readers on other threads never see half of it.</remarks>
    public Tuple<string, int>? PublicAddress
    {
        get => Volatile.Read(ref _publicAddress);
        set => Volatile.Write(ref _publicAddress, value);
    }

    public static string NewCallId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public string LocalHost(EndPoint towards)
    {
        if (_options.ContactHost is { } configured)
        {
            return configured;
        }

        IPAddress bound = _sender.Transport.LocalEndPoint.Address;
        if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any))
        {
            return SipDestinations.FormatHost(bound);
        }

        return towards is IPEndPoint ip
            ? SipDestinations.FormatHost(SipDestinations.LocalAddressTowards(ip))
            : SipDestinations.FormatHost(IPAddress.Loopback);
    }

    public SipNameAddress Contact(EndPoint towards, IEnumerable<SipParameter>? extraUriParameters = null, IReadOnlyList<SipParameter>? headerParameters = null)
    {
        var uriParams = new List<SipParameter>();
        if (_sender.Transport.Protocol == SipTransportProtocol.Tcp)
        {
            uriParams.Add(new SipParameter("transport", "tcp"));
        }
        else if (_sender.Transport.Protocol == SipTransportProtocol.Tls)
        {
            uriParams.Add(new SipParameter("transport", "tls"));
        }

        if (extraUriParameters is not null)
        {
            uriParams.AddRange(extraUriParameters);
        }

        (string host, int port) = PublicAddress is { } learnt ? (learnt.Item1, learnt.Item2) : (LocalHost(towards), _sender.Transport.LocalEndPoint.Port);
        SipUri uri = SipUri.Create(host, _options.Identity.UnescapedUser, port, uriParams);
        return new SipNameAddress(uri, _options.DisplayName is null ? null : SipNameAddress.Quote(_options.DisplayName), headerParameters);
    }

    public SipNameAddress LocalParty(string tag) =>
        new(_options.Identity, _options.DisplayName is null ? null : SipNameAddress.Quote(_options.DisplayName), [new SipParameter("tag", tag)]);

    /// <summary>A request with the mandatory headers (RFC 3261 8.1.1), in the order most stacks write them.</summary>
    public SipRequest Create(
        string method,
        SipUri requestUri,
        SipNameAddress from,
        SipNameAddress to,
        string callId,
        uint cseq,
        IReadOnlyList<SipNameAddress> routes,
        EndPoint nextHop,
        bool withContact,
        SipBody? body,
        string? branch = null)
    {
        var request = new SipRequest(method, requestUri);
        string sentBy = SipDestinations.FormatHostPort(LocalHost(nextHop), _sender.Transport.LocalEndPoint.Port);
        request.AddHeader(SipHeaderNames.Via, "SIP/2.0/" + ViaTransport + " " + sentBy + ";branch=" + (branch ?? SipTransactionMessages.NewBranch()) + ";rport");
        request.AddHeader(SipHeaderNames.MaxForwards, "70");
        foreach (SipNameAddress route in routes)
        {
            request.AddHeader(SipHeaderNames.Route, route.ToString());
        }

        request.AddHeader(SipHeaderNames.From, from.ToString());
        request.AddHeader(SipHeaderNames.To, to.ToString());
        request.AddHeader(SipHeaderNames.CallId, callId);
        request.AddHeader(SipHeaderNames.CSeq, cseq.ToString(CultureInfo.InvariantCulture) + " " + method);
        if (withContact)
        {
            request.AddHeader(SipHeaderNames.Contact, Contact(nextHop).ToString());
        }

        if (method != SipMethods.Ack && method != SipMethods.Cancel)
        {
            request.AddHeader(SipHeaderNames.Allow, AllowedMethods);
            request.AddHeader(SipHeaderNames.Supported, "timer");
        }

        request.AddHeader("User-Agent", _options.UserAgentName);
        body?.WriteTo(request);
        return request;
    }

    /// <summary>A response to <paramref name="request"/>; dialog-creating responses copy Record-Route (RFC 3261 12.1.1).</summary>
    public SipResponse CreateResponse(SipRequest request, int statusCode, string? toTag, EndPoint remote, bool withContact, SipBody? body = null)
    {
        // RFC 3261 8.2.6.2: every response but 100 carries a To tag (added only when the request had none).
        SipResponse response = SipTransactionMessages.CreateResponse(request, statusCode, statusCode == 100 ? null : toTag ?? SipTransactionMessages.NewTag());
        if (withContact)
        {
            foreach (string rr in request.GetHeaders(SipHeaderNames.RecordRoute))
            {
                response.AddHeader(SipHeaderNames.RecordRoute, rr);
            }

            response.AddHeader(SipHeaderNames.Contact, Contact(remote).ToString());
        }

        if (statusCode is >= 200 and < 300 || statusCode == 405)
        {
            response.AddHeader(SipHeaderNames.Allow, AllowedMethods);
            response.AddHeader(SipHeaderNames.Supported, "timer");
        }

        response.AddHeader("Server", _options.UserAgentName);
        body?.WriteTo(response);
        return response;
    }
}
