using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;

namespace VoipKit.Server.Sip;

/// <summary>The answer to a request whose digest credentials did not verify (RFC 3261 22, RFC 7616).</summary>
internal static class SipServerAuth
{
    /// <summary>
    /// 401 (registrar) or 407 (proxy) with a fresh challenge for missing credentials, stale nonces (stale=true) and
    /// replayed nonce counts; 403 for wrong credentials; 400 for malformed ones.
    /// </summary>
    public static SipResponse Refusal(
        SipRequest request, SipDigestVerifyResult verdict, string realm, SipDigestAlgorithm algorithm, SipDigestServer digest, SipServerIdentity identity, bool proxy)
    {
        string tag = identity.LocalTag(request);
        switch (verdict)
        {
            case SipDigestVerifyResult.BadCredentials:
                return SipServerMessages.CreateResponse(request, 403, tag, "Forbidden (wrong credentials)");
            case SipDigestVerifyResult.Malformed:
            case SipDigestVerifyResult.UriMismatch:
                return SipServerMessages.CreateResponse(request, 400, tag, "Bad Request (malformed credentials)");
            default:
                // Missing, Stale, Replayed: a new nonce; only a client that knew the password is told its nonce was stale.
                bool stale = verdict is SipDigestVerifyResult.Stale or SipDigestVerifyResult.Replayed;
                SipResponse challenge = SipServerMessages.CreateResponse(request, proxy ? 407 : 401, tag);
                challenge.AddHeader(
                    proxy ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate,
                    digest.CreateChallenge(realm, algorithm, stale: stale).ToString());
                return challenge;
        }
    }
}
