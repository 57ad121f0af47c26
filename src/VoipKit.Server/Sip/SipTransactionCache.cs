using VoipKit.Signaling.Messages;

namespace VoipKit.Server.Sip;

/// <summary>
/// What the server did with recent requests, by transaction (top Via branch and sent-by, and method): the final response
/// it generated, resent for a retransmission, or that the request was authorized and forwarded, so a retransmission is
/// forwarded again without checking its (now used) nonce count a second time. Entries live 32 s (64·T1, RFC 3261 17.2);
/// the table is bounded, oldest dropped first. Thread-safe.
/// </summary>
internal sealed class SipTransactionCache
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromSeconds(32);
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset Expires)> _order = new();

    public SipTransactionCache(TimeProvider time, int capacity = 10_000)
    {
        _time = time;
        _capacity = capacity;
    }

    /// <summary>The key of a request's transaction, or null when its branch is not RFC 3261 (no magic cookie).</summary>
    public static string? Key(SipRequest request)
    {
        SipVia top = request.Via[0];
        return top.Branch is { } b && b.StartsWith("z9hG4bK", StringComparison.Ordinal)
            ? b + "|" + top.Host + ":" + top.Port + "|" + request.Method
            : null;
    }

    /// <summary>Looks a transaction up: true with the response sent (or null when it was forwarded).</summary>
    public bool TryGet(string key, out SipResponse? response)
    {
        lock (_gate)
        {
            Expire();
            if (_entries.TryGetValue(key, out Entry? e))
            {
                response = e.Response;
                return true;
            }
        }

        response = null;
        return false;
    }

    /// <summary>Records a generated final response (null: the request was forwarded).</summary>
    public void Add(string key, SipResponse? response)
    {
        lock (_gate)
        {
            Expire();
            DateTimeOffset expires = _time.GetUtcNow() + s_lifetime;
            _entries[key] = new Entry(response, expires);
            _order.Enqueue((key, expires));
            while (_entries.Count > _capacity && _order.TryDequeue(out var oldest))
            {
                if (_entries.TryGetValue(oldest.Key, out Entry? e) && e.Expires == oldest.Expires)
                {
                    _entries.Remove(oldest.Key);
                }
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                Expire();
                return _entries.Count;
            }
        }
    }

    private void Expire()
    {
        DateTimeOffset now = _time.GetUtcNow();
        while (_order.TryPeek(out var oldest) && oldest.Expires <= now)
        {
            _order.Dequeue();
            if (_entries.TryGetValue(oldest.Key, out Entry? e) && e.Expires == oldest.Expires)
            {
                _entries.Remove(oldest.Key);
            }
        }
    }

    private sealed record Entry(SipResponse? Response, DateTimeOffset Expires);
}
