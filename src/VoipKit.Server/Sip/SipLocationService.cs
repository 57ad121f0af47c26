using VoipKit.Signaling.Messages;

namespace VoipKit.Server.Sip;

/// <summary>What became of a REGISTER's changes.</summary>
internal enum SipBindingUpdateResult
{
    /// <summary>Applied.</summary>
    Ok,

    /// <summary>A binding with the same Call-ID has a CSeq at least as high: nothing was changed (RFC 3261 10.3 step 7).</summary>
    OutOfOrder,

    /// <summary>The address of record would have more bindings than allowed: nothing was changed.</summary>
    TooManyBindings,
}

/// <summary>One contact of a REGISTER and the expiry asked for it (zero removes it).</summary>
internal readonly record struct SipContactChange(SipUri Contact, TimeSpan Expires);

/// <summary>
/// The bindings of every address of record, in memory, expiring on the server's <see cref="TimeProvider"/>. Expired
/// bindings are never returned and are dropped whenever their address of record is touched, and by <see cref="Purge"/>.
/// Thread-safe.
/// </summary>
internal sealed class SipLocationService
{
    private readonly TimeProvider _time;
    private readonly int _maxPerAor;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<SipBinding>> _byAor = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SipBinding> _byContact = new(StringComparer.Ordinal);
    private long _sequence;

    public SipLocationService(TimeProvider time, int maxPerAor)
    {
        _time = time;
        _maxPerAor = maxPerAor;
    }

    /// <summary>Bindings held now (expired ones not yet purged excluded).</summary>
    public int Count
    {
        get
        {
            DateTimeOffset now = _time.GetUtcNow();
            lock (_gate)
            {
                return _byContact.Values.Count(b => b.ExpiresAt > now);
            }
        }
    }

    /// <summary>The live bindings of an address of record, the most recently created first.</summary>
    public IReadOnlyList<SipBinding> Lookup(string aor)
    {
        lock (_gate)
        {
            return Live(aor);
        }
    }

    /// <summary>The live binding whose contact is <paramref name="contact"/> (the remote target of an in-dialog request), or null.</summary>
    public SipBinding? FindByContact(SipUri contact)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            return _byContact.TryGetValue(SipBinding.ContactKey(contact), out SipBinding? b) && b.ExpiresAt > now ? b : null;
        }
    }

    /// <summary>
    /// Applies a REGISTER atomically (RFC 3261 10.3 steps 6–7): every contact is added, refreshed or removed, or, when
    /// <paramref name="removeAll"/>, every binding goes. A binding of the same Call-ID with a CSeq not lower than
    /// <paramref name="cseq"/> aborts the whole request.
    /// </summary>
    public SipBindingUpdateResult Update(
        string aor, string callId, uint cseq, SipFlow flow, bool removeAll, IReadOnlyList<SipContactChange> changes, out IReadOnlyList<SipBinding> current)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            List<SipBinding> list = Live(aor);
            IEnumerable<SipBinding> touched = removeAll
                ? list
                : list.Where(b => changes.Any(c => SipBinding.ContactKey(c.Contact) == SipBinding.ContactKey(b.Contact)));
            if (touched.Any(b => b.CallId == callId && b.CSeq >= cseq))
            {
                current = list;
                return SipBindingUpdateResult.OutOfOrder;
            }

            var next = new List<SipBinding>(list);
            if (removeAll)
            {
                next.Clear();
            }

            foreach (SipContactChange change in changes)
            {
                string key = SipBinding.ContactKey(change.Contact);
                int index = next.FindIndex(b => SipBinding.ContactKey(b.Contact) == key);
                if (change.Expires <= TimeSpan.Zero)
                {
                    if (index >= 0)
                    {
                        next.RemoveAt(index);
                    }

                    continue;
                }

                // A refresh keeps the binding's place (its sequence), so the choice among several contacts stays stable.
                long sequence = index >= 0 ? next[index].Sequence : ++_sequence;
                var binding = new SipBinding(aor, change.Contact, callId, cseq, now + change.Expires, flow, sequence);
                if (index >= 0)
                {
                    next[index] = binding;
                }
                else
                {
                    next.Add(binding);
                }
            }

            if (next.Count > _maxPerAor && next.Count > list.Count)
            {
                current = list;
                return SipBindingUpdateResult.TooManyBindings;
            }

            foreach (SipBinding old in list)
            {
                string key = SipBinding.ContactKey(old.Contact);
                if (_byContact.TryGetValue(key, out SipBinding? indexed) && indexed.AddressOfRecord == aor)
                {
                    _byContact.Remove(key);
                }
            }

            foreach (SipBinding b in next)
            {
                // A contact registered under two addresses of record is found (for in-dialog requests) by the newest.
                _byContact[SipBinding.ContactKey(b.Contact)] = b;
            }

            next.Sort((a, b) => b.Sequence.CompareTo(a.Sequence));
            if (next.Count == 0)
            {
                _byAor.Remove(aor);
            }
            else
            {
                _byAor[aor] = next;
            }

            current = next;
            return SipBindingUpdateResult.Ok;
        }
    }

    /// <summary>Drops every expired binding; the server calls it from a periodic timer.</summary>
    public void Purge()
    {
        lock (_gate)
        {
            foreach (string aor in _byAor.Keys.ToList())
            {
                _ = Live(aor);
            }
        }
    }

    /// <summary>The live bindings of <paramref name="aor"/>, dropping the expired ones. Called under the lock.</summary>
    private List<SipBinding> Live(string aor)
    {
        if (!_byAor.TryGetValue(aor, out List<SipBinding>? list))
        {
            return [];
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (list.TrueForAll(b => b.ExpiresAt > now))
        {
            return [.. list];
        }

        foreach (SipBinding gone in list.Where(b => b.ExpiresAt <= now))
        {
            string key = SipBinding.ContactKey(gone.Contact);
            if (_byContact.TryGetValue(key, out SipBinding? indexed) && ReferenceEquals(indexed, gone))
            {
                _byContact.Remove(key);
            }
        }

        list.RemoveAll(b => b.ExpiresAt <= now);
        if (list.Count == 0)
        {
            _byAor.Remove(aor);
        }

        return [.. list];
    }
}
