using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Authentication;

/// <summary>
/// The UAS/proxy side of SIP digest authentication: issues challenges and verifies Authorization or
/// Proxy-Authorization fields. Nonces are self-validating (issue time, random bytes, algorithm and qop flag, under an
/// HMAC-SHA256 with a per-instance random key), so no state is kept per challenge; a bounded table of the highest nonce
/// count seen per nonce rejects replays. Thread-safe. Dispose to wipe the key.
/// </summary>
public sealed class SipDigestServer : IDisposable
{
    // Nonce bytes: issue time (ms, 8) | random (8) | flags (1: algorithm << 1 | qop) | HMAC-SHA256 truncated (16).
    private const int NonceBytes = 8 + 8 + 1 + 16;
    private const int MacOffset = 17;

    private readonly Func<string, string, SipDigestSecret?> _lookup;
    private readonly TimeProvider _time;
    private readonly int _maxTrackedNonces;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (uint Nc, long IssuedMs)> _counts = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    // Issue time of the newest nonce dropped from the table: an older nonce that is not in the table may have been used,
    // so it is treated as stale rather than accepted with a count we no longer know.
    private long _evictedWatermark = long.MinValue;
    private bool _disposed;

    /// <summary>Creates a server.</summary>
    /// <param name="lookup">Returns the secret for (username, realm), or null for an unknown user.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="nonceLifetime">How long a nonce is accepted; 5 minutes when null.</param>
    /// <param name="maxTrackedNonces">How many nonces' counts are remembered for replay checks (at least 16).</param>
    public SipDigestServer(Func<string, string, SipDigestSecret?> lookup, TimeProvider? timeProvider = null, TimeSpan? nonceLifetime = null, int maxTrackedNonces = 10_000)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrackedNonces, 16);
        _lookup = lookup;
        _time = timeProvider ?? TimeProvider.System;
        NonceLifetime = nonceLifetime ?? TimeSpan.FromMinutes(5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(NonceLifetime, TimeSpan.Zero, nameof(nonceLifetime));
        _maxTrackedNonces = maxTrackedNonces;
    }

    /// <summary>How long a nonce is accepted after it was issued.</summary>
    public TimeSpan NonceLifetime { get; }

    /// <summary>Creates a challenge with a new nonce, for a WWW-Authenticate (401) or Proxy-Authenticate (407) field.</summary>
    /// <param name="realm">The realm.</param>
    /// <param name="algorithm">The algorithm (the nonce is bound to it).</param>
    /// <param name="qop">True for qop="auth" (nonce counts, replay checks); false for an RFC 2069 challenge.</param>
    /// <param name="stale">True when answering a <see cref="SipDigestVerifyResult.Stale"/> verification.</param>
    /// <param name="opaque">An opaque value the client echoes, or null.</param>
    /// <returns>The challenge; add <c>challenge.ToString()</c> as the field value.</returns>
    public SipDigestChallenge CreateChallenge(string realm, SipDigestAlgorithm algorithm = SipDigestAlgorithm.Sha256, bool qop = true, bool stale = false, string? opaque = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(realm);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _ = SipDigestAlgorithms.GetName(algorithm); // validates the enum value
        Span<byte> nonce = stackalloc byte[NonceBytes];
        BinaryPrimitives.WriteInt64BigEndian(nonce, NowMs());
        RandomNumberGenerator.Fill(nonce.Slice(8, 8));
        nonce[16] = (byte)(((int)algorithm << 1) | (qop ? 1 : 0));
        Mac(nonce[..MacOffset], realm, nonce[MacOffset..]);
        return new SipDigestChallenge(realm, Base64Url(nonce), algorithm, qop ? [SipDigest.Auth] : [], opaque, stale);
    }

    /// <summary>Verifies the request's credentials for the realm.</summary>
    /// <param name="request">The request.</param>
    /// <param name="realm">The realm to check.</param>
    /// <param name="proxy">True to read Proxy-Authorization (a proxy), false for Authorization (a registrar or UAS).</param>
    /// <returns>The result.</returns>
    public SipDigestVerifyResult Verify(SipRequest request, string realm, bool proxy = false) => Verify(request, realm, proxy, out _);

    /// <summary>Verifies the request's credentials for the realm and returns the username they name.</summary>
    /// <param name="request">The request.</param>
    /// <param name="realm">The realm to check.</param>
    /// <param name="proxy">True to read Proxy-Authorization, false for Authorization.</param>
    /// <param name="username">The username of the credentials found (authenticated only when the result is Ok), or null.</param>
    /// <returns>The result.</returns>
    public SipDigestVerifyResult Verify(SipRequest request, string realm, bool proxy, out string? username)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(realm);
        ObjectDisposedException.ThrowIf(_disposed, this);
        username = null;
        bool malformed = false;
        SipDigestCredentialFields? fields = null;
        foreach (string text in request.GetHeaders(proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization))
        {
            if (!SipAuthValue.TryParse(text, out SipAuthValue? value))
            {
                malformed = true;
            }
            else if (string.Equals(value.Scheme, "Digest", StringComparison.OrdinalIgnoreCase)
                && string.Equals(value.Get("realm"), realm, StringComparison.Ordinal))
            {
                if (!SipDigestCredentialFields.TryParse(value, out fields))
                {
                    return SipDigestVerifyResult.Malformed;
                }

                break;
            }
        }

        if (fields is null)
        {
            return malformed ? SipDigestVerifyResult.Malformed : SipDigestVerifyResult.Missing;
        }

        username = fields.Username;
        if (!SipDigestAlgorithms.TryParse(fields.AlgorithmName, out SipDigestAlgorithm algorithm)
            || fields.Response.Length != SipDigestAlgorithms.HexLength(algorithm)
            || (fields.Qop is not null && !string.Equals(fields.Qop, SipDigest.Auth, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(fields.Qop, SipDigest.AuthInt, StringComparison.OrdinalIgnoreCase))
            || (fields.Qop is null && SipDigestAlgorithms.IsSession(algorithm)))
        {
            return SipDigestVerifyResult.Malformed;
        }

        if (!UriMatches(fields.Uri, request.RequestUri))
        {
            return SipDigestVerifyResult.UriMismatch;
        }

        // The digest is checked before the nonce: "stale" must only be said to a client that knows the password (RFC 7616 3.3).
        SipDigestSecret? secret = _lookup(fields.Username, realm);
        string ha1 = secret?.Ha1(algorithm, fields.Username, realm)
            ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SipDigestAlgorithms.HexLength(algorithm) / 2)); // same work for an unknown user
        string expected = SipDigest.Response(algorithm, ha1, fields.Nonce, fields.Nc, fields.Cnonce, fields.Qop, request.Method,
            fields.Uri, request.Body.Span);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(fields.Response.ToLowerInvariant())) || secret is null)
        {
            return SipDigestVerifyResult.BadCredentials;
        }

        NonceState state = CheckNonce(fields.Nonce, realm, out long issuedMs, out int flags);
        if (state == NonceState.Stale)
        {
            return SipDigestVerifyResult.Stale;
        }

        // The nonce was issued for one algorithm, with or without qop: answering it otherwise is a downgrade.
        if (flags >> 1 != (int)algorithm || ((flags & 1) == 1 && fields.Qop is null))
        {
            return SipDigestVerifyResult.BadCredentials;
        }

        return fields.Qop is null ? SipDigestVerifyResult.Ok : CountUse(fields.Nonce, fields.Nc, issuedMs);
    }

    /// <summary>Wipes the nonce key; the server can no longer be used.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
    }

    private enum NonceState
    {
        Valid,
        Stale,
    }

    private NonceState CheckNonce(string nonce, string realm, out long issuedMs, out int flags)
    {
        issuedMs = 0;
        flags = 0;
        Span<byte> raw = stackalloc byte[NonceBytes];
        if (nonce.Length != 44 || !TryFromBase64Url(nonce, raw))
        {
            return NonceState.Stale; // Not ours (another server, or before a restart): the client takes a fresh one.
        }

        Span<byte> mac = stackalloc byte[16];
        Mac(raw[..MacOffset], realm, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw[MacOffset..]))
        {
            return NonceState.Stale;
        }

        issuedMs = BinaryPrimitives.ReadInt64BigEndian(raw);
        flags = raw[16];
        long age = NowMs() - issuedMs;
        return age < 0 || age > (long)NonceLifetime.TotalMilliseconds ? NonceState.Stale : NonceState.Valid;
    }

    private SipDigestVerifyResult CountUse(string nonce, uint nc, long issuedMs)
    {
        lock (_lock)
        {
            if (_counts.TryGetValue(nonce, out (uint Nc, long IssuedMs) seen))
            {
                if (nc <= seen.Nc)
                {
                    return SipDigestVerifyResult.Replayed;
                }

                _counts[nonce] = (nc, issuedMs);
                return SipDigestVerifyResult.Ok;
            }

            if (issuedMs <= _evictedWatermark)
            {
                return SipDigestVerifyResult.Stale;
            }

            if (nc == 0)
            {
                return SipDigestVerifyResult.Replayed; // counts start at 1
            }

            long now = NowMs();
            while (_counts.Count >= _maxTrackedNonces && _order.TryDequeue(out string? oldest))
            {
                if (_counts.Remove(oldest, out (uint Nc, long IssuedMs) dropped) && now - dropped.IssuedMs <= (long)NonceLifetime.TotalMilliseconds)
                {
                    // Still within its lifetime: remember that its count is lost (an expired nonce is refused anyway).
                    _evictedWatermark = Math.Max(_evictedWatermark, dropped.IssuedMs);
                }
            }

            _counts[nonce] = (nc, issuedMs);
            _order.Enqueue(nonce);
            return SipDigestVerifyResult.Ok;
        }
    }

    // RFC 3261 22.4: the uri directive is the Request-URI as the client wrote it; URIs keep their text, so compare it.
    private static bool UriMatches(string uri, SipUri requestUri) => string.Equals(uri, requestUri.ToString(), StringComparison.Ordinal);

    private void Mac(ReadOnlySpan<byte> data, string realm, Span<byte> destination)
    {
        byte[] input = new byte[data.Length + Encoding.UTF8.GetByteCount(realm)];
        data.CopyTo(input);
        Encoding.UTF8.GetBytes(realm, input.AsSpan(data.Length));
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, input, full);
        full[..destination.Length].CopyTo(destination);
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Base64Url(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, Span<byte> destination)
    {
        string standard = text.Replace('-', '+').Replace('_', '/');
        return Convert.TryFromBase64String(standard, destination, out int written) && written == destination.Length;
    }
}
