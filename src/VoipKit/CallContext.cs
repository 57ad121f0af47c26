using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.UserAgent;
using VoipKit.Transport.Ice;

namespace VoipKit;

/// <summary>What a call needs from its client: the SIP agent, the Signal keys, ICE settings, options and clock.</summary>
internal sealed class CallContext
{
    public required SipUserAgent Agent { get; init; }

    public required EndToEndKeys Keys { get; init; }

    public required IceSettings Ice { get; init; }

    public required CallClientNetwork Network { get; init; }

    public required CallClientOptions Options { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILoggerFactory Loggers { get; init; }

    /// <summary>This account as <c>user@domain</c>.</summary>
    public required string LocalAor { get; init; }

    /// <summary>Allocates relays for one call (TURN), or none.</summary>
    public required Func<CancellationToken, ValueTask<(IRelayedCandidateSource? Source, IAsyncDisposable? Owner)>> CreateRelays { get; init; }

    /// <summary>Adds a call to the client's list (hung up when the client stops).</summary>
    public required Action<Call> Track { get; init; }

    /// <summary>Called once when a call has ended and released everything.</summary>
    public required Action<Call> Forget { get; init; }

    public bool AllowsHopByHop => Options.MediaSecurity == MediaSecurityPolicy.AllowHopByHop;

    /// <summary>A new media path (sockets, ICE agent, relays) for a call.</summary>
    public async Task<CallMediaPath> CreatePathAsync(IceRole role, CancellationToken cancellationToken)
    {
        (IRelayedCandidateSource? source, IAsyncDisposable? owner) = await CreateRelays(cancellationToken).ConfigureAwait(false);
        return new CallMediaPath(role, Ice, Network.MediaSocket, source, owner, Time, Loggers);
    }

    /// <summary>The SDP options of this client for a call: Opus and telephone-event only, ICE, and the security policy.</summary>
    public SdpLocalOptions SdpOptions(CallMediaPath path, (string Address, int Port, IReadOnlyList<Signaling.Sdp.IceCandidate> Candidates) gathered, ulong sessionId, bool endToEnd) => new()
    {
        Address = gathered.Address,
        AudioPort = gathered.Port,
        SessionId = sessionId,
        Codecs = [SdpCodec.Opus, SdpCodec.TelephoneEvent48000],
        Opus = new OpusParameters { UseInbandFec = Options.Audio.InbandFec, MaxAverageBitrate = Options.Audio.MaxBitrate },
        EndToEnd = endToEnd,
        Requirement = AllowsHopByHop ? MediaSecurityRequirement.RequireEncryption : MediaSecurityRequirement.RequireEndToEnd,
        SdesSuites = AllowsHopByHop ? SdesCryptoSuites.Default : [],
        IceUfrag = path.LocalCredentials.Ufrag,
        IcePwd = path.LocalCredentials.Password,
        Candidates = gathered.Candidates,
        EndOfCandidates = true,
    };
}
