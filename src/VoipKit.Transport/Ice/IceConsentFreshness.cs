using System.Security.Cryptography;

namespace VoipKit.Transport.Ice;

/// <summary>
/// Consent freshness timing for the selected pair (RFC 7675): a check every interval randomized ×0.8–1.2 (never under 4 s
/// with the default 5 s), Disconnected after a while without a response, consent lost after 30 s.
/// </summary>
internal sealed class IceConsentFreshness(IceAgentOptions options)
{
    private DateTimeOffset _nextSend;
    private DateTimeOffset _lastSuccess;

    /// <summary>The last time a consent (or check) response came back on the selected pair.</summary>
    public DateTimeOffset LastSuccess => _lastSuccess;

    /// <summary>When the next check is due.</summary>
    public DateTimeOffset NextSend => _nextSend;

    /// <summary>A pair was just selected: consent counts as fresh from <paramref name="now"/>.</summary>
    public void Start(DateTimeOffset now)
    {
        _lastSuccess = now;
        _nextSend = now + NextInterval();
    }

    /// <summary>Whether a consent check is due; if so the next one is scheduled.</summary>
    public bool TakeDue(DateTimeOffset now)
    {
        if (now < _nextSend)
        {
            return false;
        }

        _nextSend = now + NextInterval();
        return true;
    }

    /// <summary>A consent response arrived.</summary>
    public void OnSuccess(DateTimeOffset now) => _lastSuccess = now;

    /// <summary>Whether consent has expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => now - _lastSuccess >= options.ConsentTimeout;

    /// <summary>Whether responses have been missing long enough to call the path disconnected.</summary>
    public bool IsStale(DateTimeOffset now) => now - _lastSuccess >= options.DisconnectedTimeout;

    /// <summary>The interval times a uniform factor in [0.8, 1.2] (RFC 7675 section 5.1).</summary>
    public TimeSpan NextInterval()
    {
        int permille = RandomNumberGenerator.GetInt32(800, 1201);
        return options.ConsentInterval * permille / 1000;
    }
}
