using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>Answering checks (RFC 8445 section 7.3): authentication, role conflicts, peer-reflexive candidates, triggered checks, nomination by the peer.</summary>
internal sealed partial class IceAgent
{
    private void HandleRequest(IceSocket socket, in StunMessage request, IPEndPoint from, Work work)
    {
        if (request.Method != StunConstants.BindingMethod || !request.HasFingerprint || !StunIntegrity.VerifyFingerprint(request))
        {
            return; // checks always carry FINGERPRINT (section 16.1)
        }

        Span<byte> response = stackalloc byte[IceStunMessages.MaxLength];
        if (!IceStunMessages.UsernameIsFor(request, _local.Ufrag) || !StunIntegrity.VerifyMessageIntegrity(request, _localKey))
        {
            // The responder answers 400 without USERNAME/MESSAGE-INTEGRITY and 401 for a wrong one, unsigned.
            StunResponderResult rejected = StunBindingResponder.Respond(request.Span, StunEndPoint.FromIPEndPoint(from), response, out int rejectedLength, WrongKey);
            if (rejected == StunResponderResult.Error)
            {
                work.Outbox.Add((socket, response[..rejectedLength].ToArray(), from));
            }

            LogRejected(from);
            return;
        }

        if (IceStunMessages.TryGetRole(request, out IceRole theirRole, out ulong theirTieBreaker) && theirRole == _role && !ResolveRoleConflict(theirTieBreaker))
        {
            int length = IceStunMessages.RoleConflict(request.TransactionId, _localKey, response);
            work.Outbox.Add((socket, response[..length].ToArray(), from));
            return;
        }

        StunResponderResult result = StunBindingResponder.Respond(request.Span, StunEndPoint.FromIPEndPoint(from), response, out int responseLength, _localKey);
        if (result is StunResponderResult.Success or StunResponderResult.Error)
        {
            work.Outbox.Add((socket, response[..responseLength].ToArray(), from));
        }

        if (result != StunResponderResult.Success || socket.BaseCandidate is null)
        {
            return;
        }

        if (socket.Retired)
        {
            return; // answered, but an old interface is not paired again
        }

        request.TryGetUInt32(StunAttributeType.Priority, out uint priority);
        IceCandidatePair? pair = PairForCheck(socket, socket.BaseCandidate, from, priority == 0 ? 1 : priority);
        if (pair is null)
        {
            return; // answered, but no room to learn the address
        }

        bool useCandidate = request.HasAttribute(StunAttributeType.UseCandidate) && _role == IceRole.Controlled;
        DateTimeOffset now = _time.GetUtcNow();
        // RFC 7675 section 5.1: only a response to our own check refreshes consent. The peer's check proves nothing about
        // our packets reaching it (a one-way cut), so it must not keep us sending.
        switch (pair.State)
        {
            case IceCandidatePairState.Succeeded:
                if (useCandidate)
                {
                    Nominate(pair, now, work);
                }

                break;
            case IceCandidatePairState.InProgress:
                // Section 7.3.1.4: a check of ours is under way; check again now that the peer has opened its side.
                pair.NominateWhenValid |= useCandidate;
                _checklist.Trigger(pair);
                break;
            default:
                pair.NominateWhenValid |= useCandidate;
                pair.State = IceCandidatePairState.Waiting;
                _checklist.Trigger(pair);
                break;
        }
    }

    /// <summary>
    /// Both sides claim the same role (section 7.3.1.1). Returns true to go on (we switched role), false to answer 487.
    /// </summary>
    private bool ResolveRoleConflict(ulong theirTieBreaker)
    {
        bool oursWins = _tieBreaker >= theirTieBreaker;
        if (_role == IceRole.Controlling)
        {
            if (oursWins)
            {
                return false;
            }

            SwitchRole(IceRole.Controlled);
            return true;
        }

        if (oursWins)
        {
            SwitchRole(IceRole.Controlling);
            return true;
        }

        return false;
    }

    // A key no request can match, to let the responder write the unsigned 400/401.
    private static readonly StunHmacSha1Key WrongKey = new(new byte[] { 0 });

    [LoggerMessage(Level = LogLevel.Debug, Message = "ICE: check from {From} rejected (wrong ufrag or MESSAGE-INTEGRITY)")]
    private partial void LogRejected(IPEndPoint from);
}
