using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>Sending checks at Ta, retransmissions, responses, nomination and consent freshness (RFC 8445 sections 6–8, RFC 7675).</summary>
internal sealed partial class IceAgent
{
    private void Tick()
    {
        var work = new Work();
        lock (_lock)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            Retransmit(now, work);
            if (_remote is not null && _remoteKey is not null)
            {
                MaybeNominate(now);
                if (_checklist.NextCheck() is { } pair)
                {
                    SendCheck(pair, now, work);
                }
            }

            UpdateCheckingState(work);
            ConsentTick(now, work);
        }

        Finish(work);
    }

    private void SendCheck(IceCandidatePair pair, DateTimeOffset now, Work work)
    {
        bool useCandidate = pair.SendUseCandidate && _role == IceRole.Controlling;
        CancelChecks(pair); // a triggered check on an In-Progress pair replaces the running one: one transaction retransmits
        SendRequest(pair, now, work, useCandidate, consent: false);
        pair.State = IceCandidatePairState.InProgress;
        LogCheck(pair, useCandidate);
    }

    private void SendRequest(IceCandidatePair pair, DateTimeOffset now, Work work, bool useCandidate, bool consent)
    {
        IceCredentials remote = _remote!;
        Span<byte> transactionId = stackalloc byte[StunConstants.TransactionIdLength];
        RandomNumberGenerator.Fill(transactionId);
        uint priority = IceCandidate.ComputePriority(IceCandidateType.PeerReflexive, IceLocalCandidates.LocalPreference(pair.Socket), 1);
        byte[] request = IceStunMessages.CheckRequest(transactionId, remote.Ufrag, _local.Ufrag, priority, _role, _tieBreaker, useCandidate, _remoteKey!);
        TimeSpan rto = consent ? _options.CheckRto : InitialCheckRto();
        _transactions[IceStunMessages.Key(transactionId)] = new IceTransaction
        {
            Pair = pair,
            Request = request,
            RemoteKey = _remoteKey!,
            Role = _role,
            Priority = priority,
            UseCandidate = useCandidate,
            IsConsent = consent,
            Rto = rto,
            Due = now + rto,
        };
        work.Outbox.Add((pair.Socket, request, pair.Remote.EndPoint));
    }

    // RFC 8445 section 14.3: RTO = MAX(500 ms, Ta × (Waiting + In-Progress pairs)), so a long list does not flood the path.
    private TimeSpan InitialCheckRto()
    {
        int active = 0;
        foreach (IceCandidatePair p in _checklist.Pairs)
        {
            if (p.State is IceCandidatePairState.Waiting or IceCandidatePairState.InProgress)
            {
                active++;
            }
        }

        TimeSpan scaled = _options.Ta * active;
        return scaled > _options.CheckRto ? scaled : _options.CheckRto;
    }

    private void Retransmit(DateTimeOffset now, Work work)
    {
        List<KeyValuePair<StunClient.TransactionKey, IceTransaction>>? due = null;
        foreach (KeyValuePair<StunClient.TransactionKey, IceTransaction> t in _transactions)
        {
            if (t.Value.Due <= now)
            {
                (due ??= []).Add(t);
            }
        }

        if (due is null)
        {
            return;
        }

        foreach ((StunClient.TransactionKey key, IceTransaction t) in due)
        {
            if (t.Cancelled)
            {
                _transactions.Remove(key); // its replacement decides whether the pair fails
                continue;
            }

            if (t.Sends >= _options.CheckMaxSends)
            {
                _transactions.Remove(key);
                if (!t.IsConsent && t.Pair.State == IceCandidatePairState.InProgress && !HasTransaction(t.Pair))
                {
                    FailPair(t.Pair, "timeout");
                }

                continue;
            }

            t.Sends++;
            TimeSpan cap = t.Rto > _options.CheckMaxRto ? t.Rto : _options.CheckMaxRto;
            t.Rto = t.Rto * 2 < cap ? t.Rto * 2 : cap;
            t.Due = now + t.Rto;
            work.Outbox.Add((t.Pair.Socket, t.Request, t.Pair.Remote.EndPoint));
        }
    }

    private void CancelChecks(IceCandidatePair pair)
    {
        foreach (IceTransaction t in _transactions.Values)
        {
            if (t.Pair == pair && !t.IsConsent)
            {
                t.Cancelled = true;
            }
        }
    }

    private bool HasTransaction(IceCandidatePair pair)
    {
        foreach (IceTransaction t in _transactions.Values)
        {
            if (t.Pair == pair && !t.IsConsent && !t.Cancelled)
            {
                return true;
            }
        }

        return false;
    }

    private void FailPair(IceCandidatePair pair, string reason)
    {
        pair.State = IceCandidatePairState.Failed;
        pair.SendUseCandidate = false;
        if (_nominating == pair)
        {
            _nominating = null; // MaybeNominate moves on to the next best valid pair
        }

        if (pair.IsValid)
        {
            // A valid pair whose later check (a triggered or USE-CANDIDATE one) went unanswered is dead: it must not be
            // nominated again, and its datagrams are no longer accepted unless it is the selected pair (consent decides that).
            pair.IsValid = false;
            PublishValidPairs();
        }

        LogPairFailed(pair, reason);
    }

    private void HandleResponse(IceSocket socket, in StunMessage message, IPEndPoint from, Work work)
    {
        StunClient.TransactionKey key = IceStunMessages.Key(message.TransactionId);
        if (!_transactions.TryGetValue(key, out IceTransaction? t))
        {
            return; // late, duplicate, or from before a restart
        }

        // Responses are signed with the password we signed the request with; anything else may be forged.
        if (!message.HasMessageIntegrity || !StunIntegrity.VerifyMessageIntegrity(message, t.RemoteKey)
            || (message.HasFingerprint && !StunIntegrity.VerifyFingerprint(message)))
        {
            return;
        }

        _transactions.Remove(key);
        IceCandidatePair pair = t.Pair;
        DateTimeOffset now = _time.GetUtcNow();
        bool symmetric = socket == pair.Socket && from.Equals(pair.Remote.EndPoint);
        if (t.IsConsent)
        {
            if (message.Class == StunClass.SuccessResponse && symmetric)
            {
                _consent.OnSuccess(now);
                ConsentTick(now, work);
            }

            return;
        }

        if (message.Class == StunClass.ErrorResponse)
        {
            message.TryGetErrorCode(out int code, out _);
            if (code == 487)
            {
                // Section 7.2.5.1: switch to the role opposite to the one the request claimed and check the pair again.
                SwitchRole(t.Role == IceRole.Controlling ? IceRole.Controlled : IceRole.Controlling);
                pair.State = IceCandidatePairState.Waiting;
                _checklist.Trigger(pair);
            }
            else
            {
                FailPair(pair, "error " + code);
            }

            return;
        }

        if (!symmetric || !message.TryGetAddress(StunAttributeType.XorMappedAddress, out StunEndPoint mapped))
        {
            FailPair(pair, symmetric ? "no XOR-MAPPED-ADDRESS" : "asymmetric response");
            return;
        }

        pair.MappedLocal = LocalAt(socket, mapped.ToIPEndPoint(), t.Priority);
        pair.State = IceCandidatePairState.Succeeded;
        pair.IsValid = true;
        _firstValidAt ??= now;
        _checklist.UnfreezeFoundation(pair.Foundation);
        PublishValidPairs();
        LogValid(pair);
        if (pair == _selected)
        {
            _consent.OnSuccess(now); // a check on the selected pair refreshes consent too
        }

        if ((t.UseCandidate && _role == IceRole.Controlling) || (_role == IceRole.Controlled && pair.NominateWhenValid))
        {
            Nominate(pair, now, work);
        }
    }

    /// <summary>Regular nomination (section 8.1.1): once the best valid pair cannot be beaten, or after a timeout, check it again with USE-CANDIDATE.</summary>
    private void MaybeNominate(DateTimeOffset now)
    {
        if (_role != IceRole.Controlling || _nominating is not null || _firstValidAt is null
            || (_selected is { IsNominated: true } s && _checklist.Pairs.Contains(s)))
        {
            return;
        }

        IceCandidatePair? best = _checklist.BestValid();
        if (best is null || (_checklist.HigherMayStillSucceed(best) && now - _firstValidAt.Value < _options.NominationTimeout))
        {
            return;
        }

        _nominating = best;
        best.SendUseCandidate = true;
        _checklist.Trigger(best);
    }

    private void Nominate(IceCandidatePair pair, DateTimeOffset now, Work work)
    {
        pair.IsNominated = true;
        _nominating = null;
        bool sameGeneration = _selected is not null && _checklist.Pairs.Contains(_selected);
        if (_selected == pair || (sameGeneration && _selected!.Priority >= pair.Priority))
        {
            return;
        }

        if (_selected is not null && !sameGeneration)
        {
            _data.PreviousPair = _selected; // after a restart: the old pair's media is still accepted
        }

        _selected = pair;
        _data.SendPair = pair;
        work.Selected = pair;
        _consent.Start(now);
        _checklist.Conclude();
        LogSelected(pair);
        SetState(IceConnectionState.Connected, work);
        UpdateCheckingState(work);
    }

    private void SwitchRole(IceRole role)
    {
        if (_role == role)
        {
            return;
        }

        LogRoleSwitch(_role, role);
        _role = role;
        _checklist.SetRole(role);
        if (role == IceRole.Controlled)
        {
            _nominating = null;
            foreach (IceCandidatePair p in _checklist.Pairs)
            {
                p.SendUseCandidate = false;
            }
        }
    }

    private void UpdateCheckingState(Work work)
    {
        bool currentSelected = _selected is not null && _checklist.Pairs.Contains(_selected);
        if (_state == IceConnectionState.Connected && currentSelected && _checklist.IsIdle && !HasCheckTransactions())
        {
            SetState(IceConnectionState.Completed, work);
        }
        else if (_state == IceConnectionState.Checking && _remote is not null && _checklist.AllFailed && !HasCheckTransactions())
        {
            if (_selected is null)
            {
                SetState(IceConnectionState.Failed, work);
            }
        }
    }

    private bool HasCheckTransactions()
    {
        foreach (IceTransaction t in _transactions.Values)
        {
            if (!t.IsConsent)
            {
                return true;
            }
        }

        return false;
    }

    // RFC 7675: a check on the selected pair every ~5 s; Disconnected when answers stop, Failed (no more sending) after 30 s.
    private void ConsentTick(DateTimeOffset now, Work work)
    {
        IceCandidatePair? pair = _selected;
        if (pair is null || _state is IceConnectionState.Failed or IceConnectionState.Closed)
        {
            return;
        }

        if (_consent.IsExpired(now))
        {
            LogConsentLost(pair);
            _data.SendPair = null;
            SetState(IceConnectionState.Failed, work);
            return;
        }

        bool current = _checklist.Pairs.Contains(pair);
        if (_consent.IsStale(now))
        {
            SetState(IceConnectionState.Disconnected, work);
        }
        else if (_state == IceConnectionState.Disconnected)
        {
            SetState(current && _checklist.IsIdle ? IceConnectionState.Completed : current ? IceConnectionState.Connected : IceConnectionState.Checking, work);
        }

        if (_consent.TakeDue(now) && _remote is not null && _remoteKey is not null)
        {
            SendRequest(pair, now, work, useCandidate: false, consent: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Trace, Message = "ICE: check {Pair} (USE-CANDIDATE {UseCandidate})")]
    private partial void LogCheck(IceCandidatePair pair, bool useCandidate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ICE: pair {Pair} failed: {Reason}")]
    private partial void LogPairFailed(IceCandidatePair pair, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ICE: pair {Pair} valid")]
    private partial void LogValid(IceCandidatePair pair);

    [LoggerMessage(Level = LogLevel.Information, Message = "ICE: selected {Pair}")]
    private partial void LogSelected(IceCandidatePair pair);

    [LoggerMessage(Level = LogLevel.Information, Message = "ICE: role conflict, {From} -> {To}")]
    private partial void LogRoleSwitch(IceRole from, IceRole to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ICE: consent lost on {Pair}, sending stopped")]
    private partial void LogConsentLost(IceCandidatePair pair);
}
