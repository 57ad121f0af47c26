using System.Security.Cryptography;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Authentication;

/// <summary>
/// The UAC side of SIP digest authentication (RFC 3261 22.2–22.3, RFC 7616, RFC 8760): answers 401 (WWW-Authenticate →
/// Authorization) and 407 (Proxy-Authenticate → Proxy-Authorization) challenges, one credentials field per challenged
/// realm, and remembers the last challenge of each realm so later requests (a REGISTER refresh, a re-INVITE) can be
/// authorized in advance with an incremented nonce count. Use one instance per registration or dialog usage. Thread-safe.
/// </summary>
public sealed class SipDigestClient
{
    private readonly SipCredentials[] _credentials;
    private readonly Lock _lock = new();
    private readonly Dictionary<(bool Proxy, string Realm), Entry> _cache = [];

    /// <summary>Creates a client with one set of credentials.</summary>
    /// <param name="credentials">The credentials; with a null realm they answer any realm.</param>
    public SipDigestClient(SipCredentials credentials)
        : this([credentials])
    {
    }

    /// <summary>Creates a client with credentials for several realms.</summary>
    /// <param name="credentials">
    /// The credentials, in order of preference; for a realm the first with that exact realm is used, else the first with
    /// a null realm.
    /// </param>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public SipDigestClient(IEnumerable<SipCredentials> credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _credentials = [.. credentials];
        if (_credentials.Length == 0 || Array.Exists(_credentials, c => c is null))
        {
            throw new ArgumentException("At least one set of credentials, none null, is needed.", nameof(credentials));
        }
    }

    /// <summary>
    /// Answers the challenges of a 401 or 407. For each realm the topmost challenge with a supported algorithm is used
    /// (RFC 8760 2.4). On success the request's credentials for those realms are replaced, credentials it already carried
    /// for other remembered realms get a fresh nonce count, and the challenges are remembered for
    /// <see cref="Authorize"/>. On failure the request is left unchanged.
    /// </summary>
    /// <param name="challengeResponse">The 401 or 407.</param>
    /// <param name="request">
    /// The request that drew the challenge, or its copy for resending with the credentials it carried still in it (they
    /// tell whether the server just rejected our answer). The caller then gives it a new CSeq and branch and sends it.
    /// </param>
    /// <returns>What was done; only <see cref="SipDigestAuthorizeResult.Authorized"/> means the request may be resent.</returns>
    public SipDigestAuthorizeResult TryAuthorize(SipResponse challengeResponse, SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(challengeResponse);
        ArgumentNullException.ThrowIfNull(request);
        if (challengeResponse.StatusCode is not (401 or 407))
        {
            return SipDigestAuthorizeResult.NotAChallenge;
        }

        bool proxy = challengeResponse.StatusCode == 407;
        List<(string Realm, List<SipDigestChallenge> Challenges)> realms = ReadChallenges(challengeResponse, proxy);
        if (realms.Count == 0)
        {
            return SipDigestAuthorizeResult.NotAChallenge;
        }

        string field = proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization;
        Dictionary<string, SipDigestCredentialFields> previous = ReadCredentials(request, field);
        lock (_lock)
        {
            var answers = new List<(string Realm, Entry Entry)>();
            SipDigestAuthorizeResult? failure = null;
            foreach ((string realm, List<SipDigestChallenge> challenges) in realms)
            {
                SipDigestAuthorizeResult? problem = Plan(proxy, realm, challenges, previous, out Entry? entry);
                if (problem == SipDigestAuthorizeResult.CredentialsRejected)
                {
                    return problem.Value;
                }

                failure ??= problem;
                if (entry is not null)
                {
                    answers.Add((realm, entry));
                }
            }

            if (failure is not null)
            {
                return failure.Value;
            }

            foreach ((string realm, Entry entry) in answers)
            {
                _cache[(proxy, realm)] = entry;
                string value = entry.Answer(request);
                entry.LastDirectResponse = ResponseOf(value);
                Replace(request, field, realm, value);
            }

            // Credentials the request carried for other realms (the proxy's, when a 401 follows a 407) are re-answered with
            // the next nonce count, so a server checking nc does not take the resent request for a replay.
            RefreshOthers(request, proxy ? SipHeaderNames.Authorization : SipHeaderNames.ProxyAuthorization, !proxy, null);
            RefreshOthers(request, field, proxy, answers.ConvertAll(a => a.Realm));
        }

        return SipDigestAuthorizeResult.Authorized;
    }

    /// <summary>
    /// Authorizes a new request in advance with every remembered challenge (same nonce, next nonce count, new cnonce),
    /// replacing credentials it carries for those realms. A server that finds the nonce stale answers 401/407 again,
    /// which <see cref="TryAuthorize"/> then handles.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>How many credentials fields were set (0 when nothing is remembered).</returns>
    public int Authorize(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int count = 0;
        lock (_lock)
        {
            foreach (KeyValuePair<(bool Proxy, string Realm), Entry> kv in _cache)
            {
                if (kv.Value.Exhausted)
                {
                    continue;
                }

                Replace(request, kv.Key.Proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization, kv.Key.Realm, kv.Value.Answer(request));
                count++;
            }
        }

        return count;
    }

    /// <summary>Forgets every remembered challenge (after a logout or a change of credentials).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _cache.Clear();
        }
    }

    private SipDigestAuthorizeResult? Plan(bool proxy, string realm, List<SipDigestChallenge> challenges,
        Dictionary<string, SipDigestCredentialFields> previous, out Entry? entry)
    {
        entry = null;
        SipDigestChallenge? chosen = challenges.Find(c => c.IsSupported);
        if (chosen is null)
        {
            return SipDigestAuthorizeResult.UnsupportedAlgorithm;
        }

        // Challenged again after answering this realm. The same nonce again cannot be answered better (even "stale").
        // A new nonce with stale=true is fine (same password). Without it, right after our direct answer to a challenge,
        // the password was refused; after a request authorized in advance (the server forgot the old nonce) it is retried.
        if (previous.TryGetValue(realm, out SipDigestCredentialFields? sent))
        {
            bool direct = _cache.TryGetValue((proxy, realm), out Entry? cached) && string.Equals(cached.LastDirectResponse, sent.Response, StringComparison.Ordinal);
            if (string.Equals(sent.Nonce, chosen.Nonce, StringComparison.Ordinal) || (direct && !chosen.Stale))
            {
                return SipDigestAuthorizeResult.CredentialsRejected;
            }
        }

        SipCredentials? credentials = Array.Find(_credentials, c => string.Equals(c.Realm, realm, StringComparison.Ordinal))
            ?? Array.Find(_credentials, c => c.Realm is null);
        if (credentials is null)
        {
            return SipDigestAuthorizeResult.NoCredentials;
        }

        // qop=auth when offered; auth-int only when it is the only usable option; none for an RFC 2069 challenge.
        string? qop = chosen.Qop.Count == 0 ? null
            : chosen.OffersQop(SipDigest.Auth) ? SipDigest.Auth
            : chosen.OffersQop(SipDigest.AuthInt) ? SipDigest.AuthInt
            : string.Empty;
        // A -sess algorithm needs a cnonce, which RFC 7616 allows only with qop.
        if (qop is { Length: 0 } || (qop is null && chosen.Algorithm is { } algorithm && SipDigestAlgorithms.IsSession(algorithm)))
        {
            return SipDigestAuthorizeResult.UnsupportedQop;
        }

        entry = new Entry(chosen, credentials, qop);
        return null;
    }

    private void RefreshOthers(SipRequest request, string field, bool proxy, List<string>? skip)
    {
        foreach (string realm in ReadCredentials(request, field).Keys)
        {
            if ((skip is null || !skip.Contains(realm)) && _cache.TryGetValue((proxy, realm), out Entry? entry) && !entry.Exhausted)
            {
                Replace(request, field, realm, entry.Answer(request));
            }
        }
    }

    private static List<(string Realm, List<SipDigestChallenge> Challenges)> ReadChallenges(SipResponse response, bool proxy)
    {
        var realms = new List<(string Realm, List<SipDigestChallenge> Challenges)>();
        foreach (string text in response.GetHeaders(proxy ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate))
        {
            // Malformed fields and other schemes are skipped: another field may still be answerable.
            if (!SipAuthValue.TryParse(text, out SipAuthValue? value) || !SipDigestChallenge.TryParse(value, out SipDigestChallenge? challenge))
            {
                continue;
            }

            int i = realms.FindIndex(r => string.Equals(r.Realm, challenge.Realm, StringComparison.Ordinal));
            if (i < 0)
            {
                realms.Add((challenge.Realm, [challenge]));
            }
            else
            {
                realms[i].Challenges.Add(challenge);
            }
        }

        return realms;
    }

    private static Dictionary<string, SipDigestCredentialFields> ReadCredentials(SipRequest request, string field)
    {
        var map = new Dictionary<string, SipDigestCredentialFields>(StringComparer.Ordinal);
        foreach (string text in request.GetHeaders(field))
        {
            if (SipAuthValue.TryParse(text, out SipAuthValue? value) && SipDigestCredentialFields.TryParse(value, out SipDigestCredentialFields? f))
            {
                map.TryAdd(f.Realm, f);
            }
        }

        return map;
    }

    private static string? ResponseOf(string credentials) =>
        SipAuthValue.TryParse(credentials, out SipAuthValue? v) ? v.Get("response") : null;

    /// <summary>Replaces the request's Digest credentials for the realm (in place, else appended).</summary>
    private static void Replace(SipRequest request, string field, string realm, string value)
    {
        var header = new SipHeader(field, value);
        IList<SipHeader> headers = request.Headers;
        int at = -1;
        for (int i = headers.Count - 1; i >= 0; i--)
        {
            if (headers[i].Is(field) && SipAuthValue.TryParse(headers[i].Value, out SipAuthValue? v)
                && string.Equals(v.Scheme, "Digest", StringComparison.OrdinalIgnoreCase) && string.Equals(v.Get("realm"), realm, StringComparison.Ordinal))
            {
                headers.RemoveAt(i);
                at = i;
            }
        }

        if (at < 0)
        {
            headers.Add(header);
        }
        else
        {
            headers.Insert(at, header);
        }
    }

    /// <summary>A remembered challenge and its nonce count.</summary>
    private sealed class Entry(SipDigestChallenge challenge, SipCredentials credentials, string? qop)
    {
        private uint _nc;

        public string? LastDirectResponse { get; set; }

        /// <summary>The nonce count cannot go further: a fresh challenge is needed.</summary>
        public bool Exhausted => _nc == uint.MaxValue;

        /// <summary>The credentials value for the request, using the next nonce count.</summary>
        public string Answer(SipRequest request)
        {
            SipDigestAlgorithm algorithm = challenge.Algorithm!.Value; // Plan() only keeps supported challenges.
            _nc++;
            string? cnonce = qop is null ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            string uri = request.RequestUri.ToString();
            string ha1 = SipDigest.Ha1(algorithm, credentials.Username, challenge.Realm, credentials.Password);
            string response = SipDigest.Response(algorithm, ha1, challenge.Nonce, _nc, cnonce, qop, request.Method, uri, request.Body.Span);
            var p = new List<SipAuthParameter>
            {
                new("username", credentials.Username, true),
                new("realm", challenge.Realm, true),
                new("nonce", challenge.Nonce, true),
                new("uri", uri, true),
                new("response", response, true),
                new("algorithm", challenge.AlgorithmName, false),
            };
            if (challenge.Opaque is not null)
            {
                p.Add(new("opaque", challenge.Opaque, true));
            }

            if (qop is not null)
            {
                p.Add(new("qop", qop, false));
                p.Add(new("nc", SipDigest.FormatNc(_nc), false));
            }

            if (cnonce is not null)
            {
                p.Add(new("cnonce", cnonce, true));
            }

            return new SipAuthValue("Digest", p).ToString();
        }
    }
}
