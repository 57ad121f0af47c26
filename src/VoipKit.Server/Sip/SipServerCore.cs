using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Sip;

/// <summary>
/// What the server does with each received message. REGISTER and OPTIONS addressed to the server are answered here;
/// every other request is proxied statelessly (RFC 3261 16.11): our Routes popped, Max-Forwards checked (483) and
/// decremented, initial requests from our domain authenticated (407), the target taken from the location service (404
/// unknown user, 480 no binding) or from the Request-URI, loops refused (482), dialog-creating requests record-routed
/// (twice when the two sides use different transports), a Via added with a branch derived from the received one, and
/// the request sent over the binding's flow. Responses lose our Via and go to the next one.
/// </summary>
internal sealed partial class SipServerCore
{
    private const string Allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO, MESSAGE";

    private readonly SipServerOptions _options;
    private readonly SipServerIdentity _identity;
    private readonly SipLocationService _location;
    private readonly SipRegistrar _registrar;
    private readonly SipDigestServer _digest;
    private readonly SipTransactionCache _cache;
    private readonly SipServerMetrics _metrics;
    private readonly ISipServerSender _sender;
    private readonly ILogger _logger;

    public SipServerCore(
        SipServerOptions options,
        SipServerIdentity identity,
        SipLocationService location,
        SipDigestServer digest,
        SipServerMetrics metrics,
        ISipServerSender sender,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _identity = identity;
        _location = location;
        _digest = digest;
        _metrics = metrics;
        _sender = sender;
        _logger = logger;
        _cache = new SipTransactionCache(time);
        _registrar = new SipRegistrar(options, identity, location, digest, time);
    }

    private SipServerStatistics Stats => _metrics.Statistics;

    /// <summary>Handles one message received on <paramref name="source"/>.</summary>
    public async ValueTask HandleAsync(SipMessage message, SipFlow source, CancellationToken cancellationToken)
    {
        if (message is SipRequest request)
        {
            await HandleRequestAsync(request, source, cancellationToken).ConfigureAwait(false);
        }
        else if (message is SipResponse response)
        {
            await ForwardResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask HandleRequestAsync(SipRequest request, SipFlow source, CancellationToken cancellationToken)
    {
        if (request.Via.Count == 0)
        {
            Stats.OnDropped();
            return;
        }

        string? key = request.Method == SipMethods.Ack ? null : SipTransactionCache.Key(request);
        bool authorized = false;
        if (key is not null && _cache.TryGet(key, out SipResponse? previous))
        {
            if (previous is not null)
            {
                Stats.OnRetransmission();
                await SendLocalAsync(previous, source, cancellationToken).ConfigureAwait(false);
                return;
            }

            authorized = true; // a retransmission of a request we authorized and forwarded: forward it again
        }

        SipResponse? local = await RouteAsync(request, source, authorized, key, cancellationToken).ConfigureAwait(false);
        if (local is not null)
        {
            if (key is not null)
            {
                _cache.Add(key, local);
            }

            await SendLocalAsync(local, source, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Forwards the request, or returns the response to send back instead (null: forwarded or dropped).</summary>
    private async ValueTask<SipResponse?> RouteAsync(SipRequest request, SipFlow source, bool authorized, string? key, CancellationToken cancellationToken)
    {
        string method = request.Method;
        bool isAck = method == SipMethods.Ack;
        if (isAck && _identity.HasLocalTag(request))
        {
            Stats.OnDropped(); // the ACK of a non-2xx response we generated ends here
            return null;
        }

        IReadOnlyList<SipNameAddress> routes = request.Routes;
        int popped = 0;
        while (popped < routes.Count && _identity.IsLocal(routes[popped].Uri))
        {
            popped++;
        }

        List<SipNameAddress> remaining = [.. routes.Skip(popped)];
        SipUri requestUri = request.RequestUri;
        bool inDialog = request.To?.Tag is not null;
        if (remaining.Count == 0 && _identity.IsOurDomain(requestUri) && requestUri.User is null)
        {
            return ForUs(request, source);
        }

        if (method == SipMethods.Register)
        {
            return Respond(request, 403, "Forbidden (not the registrar of that domain)");
        }

        int maxForwards = request.MaxForwards ?? 70;
        if (maxForwards <= 0)
        {
            return isAck ? Drop() : Respond(request, 483);
        }

        if (!inDialog)
        {
            SipUri? from = request.From?.Uri;
            bool fromOurDomain = from is not null && _identity.IsOurDomain(from);
            if (!fromOurDomain && (remaining.Count > 0 || !_identity.IsOurDomain(requestUri)))
            {
                // Strangers may reach our users only, not other hosts through us (not even with a Route).
                return isAck ? Drop() : Respond(request, 403, "Forbidden (relaying denied)");
            }

            if (fromOurDomain && !authorized && !isAck && method != SipMethods.Cancel)
            {
                string realm = _options.EffectiveRealm;
                SipDigestVerifyResult verdict = _digest.Verify(request, realm, proxy: true, out string? user);
                if (verdict != SipDigestVerifyResult.Ok)
                {
                    SipResponse refusal = SipServerAuth.Refusal(request, verdict, realm, _options.Algorithm, _digest, _identity, proxy: true);
                    if (refusal.StatusCode == 407)
                    {
                        Stats.OnChallenge();
                    }

                    return refusal;
                }

                if (!string.Equals(from!.UnescapedUser, user, StringComparison.Ordinal))
                {
                    return Respond(request, 403, "Forbidden (From is not the authenticated user)");
                }

                if (key is not null)
                {
                    _cache.Add(key, null);
                }
            }
        }

        // The target: a further Route, a binding of the address of record, the flow of a registered contact, or the URI.
        SipUri outgoingUri = requestUri;
        SipFlow? flow = null;
        if (remaining.Count == 0 && _identity.AddressOfRecord(requestUri) is { } aor)
        {
            IReadOnlyList<SipBinding> bindings = _location.Lookup(aor);
            if (bindings.Count == 0)
            {
                return isAck ? Drop()
                    : method == SipMethods.Cancel ? Respond(request, 481)
                    : UserExists(requestUri.UnescapedUser!) ? Respond(request, 480) : Respond(request, 404);
            }

            // A stateless proxy sends to exactly one target (16.11): the newest binding, so CANCEL and ACK follow the INVITE.
            outgoingUri = bindings[0].Contact;
            flow = await BindingFlowAsync(bindings[0], cancellationToken).ConfigureAwait(false);
        }
        else if (remaining.Count == 0 && _location.FindByContact(requestUri) is { } binding)
        {
            flow = await BindingFlowAsync(binding, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Anywhere else only along a dialog record-routed here: a made-up To tag must not turn us into a relay.
            if (inDialog && !_identity.HasDialogToken(routes.Take(popped), request.CallId))
            {
                return isAck ? Drop() : Respond(request, 403, "Forbidden (not a dialog of this proxy)");
            }

            flow = await SipNextHop.FromUriAsync(remaining.Count > 0 ? remaining[0].Uri : requestUri, _sender, cancellationToken).ConfigureAwait(false);
            if (flow is null)
            {
                return isAck ? Drop() : Respond(request, 503, "Service Unavailable (next hop not reachable)");
            }
        }

        if (_identity.IsLoop(request, outgoingUri))
        {
            return isAck ? Drop() : Respond(request, 482);
        }

        SipFlow target = flow.Value;
        var original = new SipRequest(method, requestUri, request.Headers, request.Body);
        Rewrite(request, source, target, outgoingUri, remaining, maxForwards, inDialog);
        // Counted before sending, so the count is never behind what the next hop has already seen.
        _metrics.Forwarded(method, inDialog && popped > 0);
        LogForwarded(_logger, method, requestUri, source, target);
        if (await SendAsync(request, target, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return isAck ? null : Respond(original, 503, "Service Unavailable (next hop not reachable)");
    }

    /// <summary>
    /// Where requests for a binding go. Over TCP: the connection its REGISTER came on while it is open, else a new one to
    /// the Contact. Over UDP: the REGISTER's source when the Contact names another IP address (a client behind a NAT
    /// does not know its public address), else the Contact (a client may send from another port than it listens on,
    /// or register a contact for another process on its host).
    /// </summary>
    private async ValueTask<SipFlow> BindingFlowAsync(SipBinding binding, CancellationToken cancellationToken)
    {
        SipFlow flow = binding.Flow;
        bool useContact = flow.Protocol == SipTransportProtocol.Tcp
            ? !_sender.HasConnection(flow)
            : System.Net.IPAddress.TryParse(binding.Contact.Host.Trim('[', ']'), out System.Net.IPAddress? host)
                && host.Equals(flow.RemoteEndPoint.Address) && (binding.Contact.Port ?? 5060) != flow.RemoteEndPoint.Port;
        if (useContact && await SipNextHop.FromUriAsync(binding.Contact, _sender, cancellationToken).ConfigureAwait(false) is { } contact)
        {
            return contact;
        }

        return flow;
    }

    private void Rewrite(SipRequest request, SipFlow source, SipFlow target, SipUri outgoingUri, List<SipNameAddress> remaining, int maxForwards, bool inDialog)
    {
        string branch = _identity.Branch(request, outgoingUri); // from the request as received
        string method = request.Method;
        string callId = request.CallId ?? string.Empty;
        request.RequestUri = outgoingUri;
        SipServerMessages.ReplaceList(request, SipHeaderNames.Route, remaining.Select(r => r.ToString()));
        request.SetHeader(SipHeaderNames.MaxForwards, (maxForwards - 1).ToString(CultureInfo.InvariantCulture));
        if (!inDialog && method != SipMethods.Ack && method != SipMethods.Cancel)
        {
            RemoveOurCredentials(request);

            // RFC 5658: facing each side with its own transport when they differ; the top entry faces the next hop.
            string[] recordRoutes = target.Protocol == source.Protocol
                ? [_identity.RecordRoute(target.Protocol, callId)]
                : [_identity.RecordRoute(target.Protocol, callId), _identity.RecordRoute(source.Protocol, callId)];
            SipServerMessages.Prepend(request, SipHeaderNames.RecordRoute, recordRoutes);
        }

        string transport = target.Protocol == SipTransportProtocol.Tcp ? "TCP" : "UDP";
        SipServerMessages.Prepend(request, SipHeaderNames.Via, ["SIP/2.0/" + transport + " " + _identity.SentBy + ";branch=" + branch]);
    }

    /// <summary>Proxy-Authorization for our realm is consumed here (RFC 3261 22.3); others go on.</summary>
    private void RemoveOurCredentials(SipRequest request)
    {
        IList<SipHeader> headers = request.Headers;
        for (int i = headers.Count - 1; i >= 0; i--)
        {
            if (headers[i].Is(SipHeaderNames.ProxyAuthorization)
                && SipAuthValue.TryParse(headers[i].Value, out SipAuthValue? value)
                && string.Equals(value.Get("realm"), _options.EffectiveRealm, StringComparison.Ordinal))
            {
                headers.RemoveAt(i);
            }
        }
    }

    private SipResponse? ForUs(SipRequest request, SipFlow source)
    {
        switch (request.Method)
        {
            case SipMethods.Register:
                SipResponse answer = _registrar.Register(request, source);
                _metrics.Registration(answer.StatusCode);
                LogRegister(_logger, request.To?.Uri, source, answer.StatusCode);
                return answer;
            case SipMethods.Options:
                SipResponse ok = Respond(request, 200);
                ok.AddHeader(SipHeaderNames.Allow, Allow);
                ok.AddHeader("Accept", "application/sdp");
                return ok;
            case SipMethods.Ack:
                return Drop();
            case SipMethods.Cancel:
                return Respond(request, 481);
            default:
                SipResponse refused = Respond(request, 405);
                refused.AddHeader(SipHeaderNames.Allow, "OPTIONS, REGISTER");
                return refused;
        }
    }

    private async ValueTask ForwardResponseAsync(SipResponse response, CancellationToken cancellationToken)
    {
        IReadOnlyList<SipVia> vias = response.Via;
        if (vias.Count < 2 || !_identity.IsOurVia(vias[0]))
        {
            Stats.OnDropped(); // not a response to a request we forwarded
            return;
        }

        SipServerMessages.ReplaceList(response, SipHeaderNames.Via, vias.Skip(1).Select(v => v.ToString()));
        SipFlow? flow = await SipNextHop.FromViaAsync(vias[1], _sender, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            Stats.OnDropped();
            return;
        }

        _metrics.ResponseForwarded();
        await SendAsync(response, flow.Value, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SendLocalAsync(SipResponse response, SipFlow source, CancellationToken cancellationToken)
    {
        // Back over the flow the request came on: its connection, or the UDP source (right behind a NAT, 18.2.2/RFC 3581).
        Stats.OnLocalResponse();
        await SendAsync(response, source, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<bool> SendAsync(SipMessage message, SipFlow flow, CancellationToken cancellationToken)
    {
        try
        {
            await _sender.SendAsync(message, flow, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or SipTransportException or IOException or ArgumentException
            || (ex is ObjectDisposedException && cancellationToken.IsCancellationRequested))
        {
            Stats.OnSendFailure();
            LogSendFailed(_logger, flow, ex.Message);
            return false;
        }
    }

    private bool UserExists(string user) =>
        _options.CredentialStore?.FindSecret(user, _options.EffectiveRealm) is not null
        || (_options.CredentialStore is null && _options.Users!.ContainsKey(user));

    private SipResponse Respond(SipRequest request, int code, string? reason = null) =>
        SipServerMessages.CreateResponse(request, code, _identity.LocalTag(request), reason);

    private SipResponse? Drop()
    {
        Stats.OnDropped();
        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {RequestUri} from {Source} forwarded to {Target}")]
    private static partial void LogForwarded(ILogger logger, string method, SipUri requestUri, SipFlow source, SipFlow target);

    [LoggerMessage(Level = LogLevel.Information, Message = "REGISTER {AddressOfRecord} from {Source}: {StatusCode}")]
    private static partial void LogRegister(ILogger logger, SipUri? addressOfRecord, SipFlow source, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending to {Flow} failed: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, SipFlow flow, string reason);
}
