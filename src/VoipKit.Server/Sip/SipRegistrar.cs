using System.Globalization;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;

namespace VoipKit.Server.Sip;

/// <summary>
/// REGISTER processing (RFC 3261 10.3): digest authentication (401, 403 for wrong credentials, stale=true for an old
/// nonce), the To and From users must be the authenticated user, expiry from the Contact parameter or the Expires field
/// (423 with Min-Expires below the minimum, shortened above the maximum), <c>*</c> with Expires 0 removes every binding,
/// and the 200 lists every current binding with its remaining seconds.
/// </summary>
internal sealed class SipRegistrar
{
    private readonly SipServerOptions _options;
    private readonly SipServerIdentity _identity;
    private readonly SipLocationService _location;
    private readonly SipDigestServer _digest;
    private readonly TimeProvider _time;

    public SipRegistrar(SipServerOptions options, SipServerIdentity identity, SipLocationService location, SipDigestServer digest, TimeProvider time)
    {
        _options = options;
        _identity = identity;
        _location = location;
        _digest = digest;
        _time = time;
    }

    /// <summary>Handles a REGISTER addressed to this registrar; returns the final response to send back.</summary>
    public SipResponse Register(SipRequest request, SipFlow flow)
    {
        string realm = _options.EffectiveRealm;
        SipDigestVerifyResult verdict = _digest.Verify(request, realm, proxy: false, out string? user);
        if (verdict != SipDigestVerifyResult.Ok)
        {
            return SipServerAuth.Refusal(request, verdict, realm, _options.Algorithm, _digest, _identity, proxy: false);
        }

        SipNameAddress? to = request.To;
        string? aor = to is null ? null : _identity.AddressOfRecord(to.Uri);
        if (aor is null)
        {
            return Respond(request, 404, "Not Found (not an address of record of this domain)");
        }

        if (!string.Equals(to!.Uri.UnescapedUser, user, StringComparison.Ordinal)
            || !string.Equals(request.From?.Uri.UnescapedUser, user, StringComparison.Ordinal))
        {
            return Respond(request, 403, "Forbidden (To and From must be the authenticated user)");
        }

        bool wildcard = request.IsWildcardContact;
        var changes = new List<SipContactChange>();
        if (wildcard)
        {
            if (request.Expires != 0 || request.GetHeaders(SipHeaderNames.Contact).Count != 1)
            {
                return Respond(request, 400, "Bad Request (* needs Expires: 0 and no other Contact)");
            }
        }
        else
        {
            foreach (SipNameAddress contact in request.Contacts)
            {
                uint seconds = contact.Expires ?? request.Expires ?? (uint)_options.DefaultExpires.TotalSeconds;
                if (seconds != 0 && seconds < _options.MinExpires.TotalSeconds)
                {
                    SipResponse brief = Respond(request, 423);
                    brief.AddHeader(SipHeaderNames.MinExpires, ((uint)_options.MinExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
                    return brief;
                }

                TimeSpan expires = TimeSpan.FromSeconds(Math.Min(seconds, _options.MaxExpires.TotalSeconds));
                changes.Add(new SipContactChange(contact.Uri, expires));
            }
        }

        SipBindingUpdateResult result = _location.Update(
            aor, request.CallId ?? string.Empty, request.CSeq?.Number ?? 0, flow, wildcard, changes, out IReadOnlyList<SipBinding> current);
        switch (result)
        {
            case SipBindingUpdateResult.OutOfOrder:
                return Respond(request, 500, "Server Internal Error (CSeq out of order)");
            case SipBindingUpdateResult.TooManyBindings:
                return Respond(request, 403, "Forbidden (too many registrations)");
            default:
                break;
        }

        SipResponse ok = Respond(request, 200);
        DateTimeOffset now = _time.GetUtcNow();
        foreach (SipBinding b in current)
        {
            ok.AddHeader(SipHeaderNames.Contact, "<" + b.Contact + ">;expires=" + b.RemainingSeconds(now).ToString(CultureInfo.InvariantCulture));
        }

        ok.AddHeader("Date", now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture));
        return ok;
    }

    private SipResponse Respond(SipRequest request, int code, string? reason = null) =>
        SipServerMessages.CreateResponse(request, code, _identity.LocalTag(request), reason);
}
