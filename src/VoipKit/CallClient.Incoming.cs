using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.UserAgent;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Turn;

namespace VoipKit;

/// <summary>Incoming calls, registration and relays: the client's side of the servers.</summary>
public sealed partial class CallClient
{
    // Runs off the SIP receive loop (the agent hands each INVITE to its own task). Checks the offer and its keys before
    // ringing, so the app is only asked about calls it could accept.
    private async ValueTask OnIncomingCallAsync(SipIncomingCall sip, CancellationToken cancellationToken)
    {
        CallContext context = _context!;
        string caller = sip.From?.Uri is { User: not null } from ? AddressOf(from) : "anonymous";
        if (sip.Offer is not { } body || !E2eCallBody.TryParse(body, out ReadOnlyMemory<byte> sdp, out var keys))
        {
            Refuse(sip, caller, 488, "no SDP offer in the INVITE");
            return;
        }

        SessionDescription offer;
        try
        {
            offer = SessionDescription.Parse(sdp.Span);
        }
        catch (SdpParseException e)
        {
            Refuse(sip, caller, 400, "malformed SDP: " + e.Message);
            return;
        }

        bool endToEnd = offer.Media.Any(m => m.EndToEndVersion == SdpNegotiator.EndToEndVersion) && keys.Count > 0;
        EndToEndKeys.OpenedOffer? opened = null;
        if (endToEnd)
        {
            try
            {
                opened = await _keys.OpenAsync(caller, keys, sdp, cancellationToken).ConfigureAwait(false);
            }
            catch (CallException e)
            {
                Refuse(sip, caller, 488, e.End.Detail ?? e.Message);
                return;
            }
        }
        else if (!context.AllowsHopByHop)
        {
            Refuse(sip, caller, 488, "the caller offers no end-to-end encryption and the policy requires it");
            return;
        }

        var incoming = new IncomingCall(context, sip, caller, offer, opened);
        try
        {
            sip.Ring();
        }
        catch (InvalidOperationException)
        {
            incoming.Dispose(); // cancelled while the keys were opened
            return;
        }

        if (!_incoming.Writer.TryWrite(incoming))
        {
            await incoming.DeclineAsync(486).ConfigureAwait(false);
            incoming.Dispose();
            LogQueueFull(_logger, caller);
        }
    }

    private void Refuse(SipIncomingCall sip, string caller, int status, string reason)
    {
        LogRefused(_logger, caller, status, reason);
        try
        {
            sip.Reject(status);
        }
        catch (InvalidOperationException)
        {
            // cancelled meanwhile
        }

        sip.Dispose();
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        SetRegistrationState(RegistrationState.Registering);
        var options = new SipRegistrationOptions
        {
            Registrar = Options.Registrar is { } r ? SipUri.Parse(r) : SipUri.Create(_aor.Host, port: _aor.Port),
            Expires = Options.RegistrationExpires,
            Push = Options.PushProvider is { } provider && Options.PushToken is { } token ? new SipPushParameters(provider, token, Options.PushParameter) : null,
        };
        try
        {
            _registration = await _agent!.RegisterAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (SipRegistrationException e)
        {
            SetRegistrationState(RegistrationState.Failed);
            // No status, or the 408 our own transaction makes up on timeout: the registrar never answered.
            int? status = e.StatusCode is 0 or 408 ? null : e.StatusCode;
            string what = status is 401 or 403 or 407 ? "the registrar refused the credentials" : status is null ? "the registrar did not answer" : "the registrar refused";
            throw new RegistrationException(status, $"{what} ({(status is { } s ? $"SIP {s}" : "no response")}) for {AddressOfRecord}", e);
        }

        _registration.StateChanged += OnRegistrationStateChanged;
        SetRegistrationState(RegistrationState.Registered);
    }

    // The machine's addresses changed: refresh the binding now, so the registrar routes calls to where we are reachable
    // (a call in progress notices a dead path by itself and restarts ICE).
    private void OnAddressChanged()
    {
        if (_registration is { } registration && Volatile.Read(ref _stopped) == 0)
        {
            _ = RefreshRegistrationAsync(registration);
        }
    }

    private async Task RefreshRegistrationAsync(SipRegistration registration)
    {
        try
        {
            SipResponse response = await registration.RefreshNowAsync().ConfigureAwait(false);
            LogReRegistered(_logger, response.StatusCode);
        }
        catch (Exception e) when (e is SipUserAgentException or ObjectDisposedException or OperationCanceledException)
        {
            LogReRegisterFailed(_logger, e.Message); // the registration retries on its own schedule
        }
    }

    private void OnRegistrationStateChanged(object? sender, SipRegistrationState state) => SetRegistrationState(state switch
    {
        SipRegistrationState.Registering => RegistrationState.Registering,
        SipRegistrationState.Registered => RegistrationState.Registered,
        SipRegistrationState.RetryWaiting => RegistrationState.Failed,
        _ => RegistrationState.Unregistered,
    });

    private void SetRegistrationState(RegistrationState state)
    {
        lock (_gate)
        {
            if (_registrationState == state)
            {
                return;
            }

            _registrationState = state;
        }

        try
        {
            RegistrationStateChanged?.Invoke(this, state);
        }
#pragma warning disable CA1031 // The app's handler must not break registration; it is logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, e);
        }
    }

    private async ValueTask<(IRelayedCandidateSource? Source, IAsyncDisposable? Owner)> CreateRelaysAsync(IceSettings ice, CancellationToken cancellationToken)
    {
        if (ice.TurnServers.Count == 0)
        {
            return (null, null);
        }

        var servers = new List<TurnServerCredentials>(ice.TurnServers.Count);
        foreach (IceSettings.TurnServer server in ice.TurnServers)
        {
            IceServerCredentials credentials;
            if (Options.TurnCredentialProvider is { } provider)
            {
                try
                {
                    credentials = await provider(server.Config, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // The app's provider failed: that server is left out like one that refuses the allocation, and it is logged.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogCredentialProviderFailed(_logger, server.Config.Url, e);
                    continue;
                }
            }
            else
            {
                credentials = new IceServerCredentials(server.Config.Username ?? string.Empty, server.Config.Credential ?? string.Empty);
            }

            servers.Add(new TurnServerCredentials(server.EndPoint, credentials.Username, credentials.Password));
        }

        if (servers.Count == 0)
        {
            return (null, null);
        }

        var source = new TurnRelayedCandidateSource(servers, _time, _loggers, new TurnRelayedCandidateSourceOptions
        {
            LocalAddress = Options.LocalAddress is { Length: > 0 } local ? IPAddress.Parse(local) : null,
        });
        return (source, source);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The TURN credential provider failed for {Server}: that relay is left out of the call")]
    private static partial void LogCredentialProviderFailed(ILogger logger, string server, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Network addresses changed: registration refreshed ({Status})")]
    private static partial void LogReRegistered(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Network addresses changed, refreshing the registration failed: {Reason}")]
    private static partial void LogReRegisterFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a call from {Caller} with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string caller, int status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incoming call from {Caller} answered 486: the app's queue is full")]
    private static partial void LogQueueFull(ILogger logger, string caller);

    [LoggerMessage(Level = LogLevel.Error, Message = "A RegistrationStateChanged handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
