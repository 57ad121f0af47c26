using System.Collections.Concurrent;

namespace VoipKit.Server.Sip;

/// <summary>Counters of a <see cref="SipServer"/> since it started. Thread-safe; values are read without a snapshot.</summary>
public sealed class SipServerStatistics
{
    private readonly ConcurrentDictionary<string, long> _forwardedByMethod = new(StringComparer.Ordinal);
    private long _registrationsAccepted;
    private long _registrationsRefused;
    private long _challenges;
    private long _requestsForwarded;
    private long _inDialogRequestsForwarded;
    private long _responsesForwarded;
    private long _localResponses;
    private long _retransmissionsAbsorbed;
    private long _dropped;
    private long _sendFailures;

    /// <summary>REGISTERs answered 200.</summary>
    public long RegistrationsAccepted => Interlocked.Read(ref _registrationsAccepted);

    /// <summary>REGISTERs answered with a final error other than a 401 challenge (403, 423, 400...).</summary>
    public long RegistrationsRefused => Interlocked.Read(ref _registrationsRefused);

    /// <summary>401 and 407 challenges sent.</summary>
    public long Challenges => Interlocked.Read(ref _challenges);

    /// <summary>Requests forwarded by the proxy (initial and in-dialog), counted as they are sent (a failed send also counts in <see cref="SendFailures"/>).</summary>
    public long RequestsForwarded => Interlocked.Read(ref _requestsForwarded);

    /// <summary>Requests forwarded along a Route to this server that carried a To tag (in-dialog: ACK of a 2xx, BYE, re-INVITE...).</summary>
    public long InDialogRequestsForwarded => Interlocked.Read(ref _inDialogRequestsForwarded);

    /// <summary>Responses forwarded to the previous hop.</summary>
    public long ResponsesForwarded => Interlocked.Read(ref _responsesForwarded);

    /// <summary>Responses the server generated itself (registrar answers, challenges, 404/480/483/482...).</summary>
    public long LocalResponses => Interlocked.Read(ref _localResponses);

    /// <summary>Retransmitted requests answered from the transaction cache.</summary>
    public long RetransmissionsAbsorbed => Interlocked.Read(ref _retransmissionsAbsorbed);

    /// <summary>Messages dropped (responses not for us, ACKs of our own responses, unroutable ACKs).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Sends that failed (connection refused, unreachable...).</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Requests forwarded with the given method.</summary>
    /// <param name="method">The method, e.g. <c>BYE</c>.</param>
    /// <returns>The count.</returns>
    public long ForwardedRequests(string method) => _forwardedByMethod.TryGetValue(method, out long n) ? n : 0;

    internal void OnRegistration(bool accepted) =>
        Interlocked.Increment(ref accepted ? ref _registrationsAccepted : ref _registrationsRefused);

    internal void OnChallenge() => Interlocked.Increment(ref _challenges);

    internal void OnForwarded(string method, bool inDialog)
    {
        Interlocked.Increment(ref _requestsForwarded);
        if (inDialog)
        {
            Interlocked.Increment(ref _inDialogRequestsForwarded);
        }

        _forwardedByMethod.AddOrUpdate(method, 1, (_, n) => n + 1);
    }

    internal void OnResponseForwarded() => Interlocked.Increment(ref _responsesForwarded);

    internal void OnLocalResponse() => Interlocked.Increment(ref _localResponses);

    internal void OnRetransmission() => Interlocked.Increment(ref _retransmissionsAbsorbed);

    internal void OnDropped() => Interlocked.Increment(ref _dropped);

    internal void OnSendFailure() => Interlocked.Increment(ref _sendFailures);
}
