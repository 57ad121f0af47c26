using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

/// <summary>
/// Runs TURN requests with long-term credentials (RFC 8489 section 9.2): the first request goes unsigned, the 401's
/// REALM and NONCE give the key, and every later request carries USERNAME, REALM, NONCE, MESSAGE-INTEGRITY and
/// FINGERPRINT. A 438 Stale Nonce is retried with the new nonce; a 401 on a signed request is a wrong password.
/// Success responses must carry a MESSAGE-INTEGRITY that verifies with our key.
/// </summary>
internal sealed partial class TurnRequester : IDisposable
{
    // Header, REQUESTED-TRANSPORT, CHANNEL-NUMBER, XOR-PEER-ADDRESS (IPv6), LIFETIME, MESSAGE-INTEGRITY, FINGERPRINT, with room to spare.
    private const int MaxMethodAttributes = 160;
    private const int MaxStaleNonceRetries = 2;
    private readonly StunClient _stun;
    private readonly string _username;
    private readonly string _password;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private string? _realm;
    private string? _nonce;
    private StunHmacSha1Key? _key;

    /// <summary>Creates a requester sending through <paramref name="stun"/> (not owned).</summary>
    public TurnRequester(StunClient stun, string username, string password, ILogger logger)
    {
        _stun = stun;
        _username = username;
        _password = password;
        _logger = logger;
    }

    /// <summary>The server requests go to; changed once by ALTERNATE-SERVER.</summary>
    public required IPEndPoint Server { get; set; }

    /// <summary>Forgets realm, nonce and key (after a redirection to another server).</summary>
    public void ResetCredentials()
    {
        lock (_lock)
        {
            _realm = null;
            _nonce = null;
            _key?.Dispose();
            _key = null;
        }
    }

    /// <summary>Runs <paramref name="request"/> to a success response and returns its bytes.</summary>
    /// <exception cref="TurnErrorException">An error response (or an unverifiable success).</exception>
    /// <exception cref="TimeoutException">No response.</exception>
    public async Task<byte[]> ExecuteAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        int staleRetries = 0;
        bool challenged = false;
        while (true)
        {
            byte[] message = Write(request, out StunHmacSha1Key? key);
            byte[] response = await _stun.SendRequestAsync(message, Server, cancellationToken).ConfigureAwait(false);
            if (StunMessage.TryParse(response, out StunMessage m) != StunParseResult.Ok)
            {
                throw new InvalidDataException("Malformed TURN response.");
            }

            if (m.Class == StunClass.SuccessResponse)
            {
                if (key is null || !StunIntegrity.VerifyMessageIntegrity(m, key))
                {
                    throw new TurnErrorException(TurnErrorKind.BadResponseIntegrity, 0, "success response without valid MESSAGE-INTEGRITY");
                }

                return response;
            }

            int code = m.TryGetErrorCode(out int c, out ReadOnlySpan<byte> reasonBytes) ? c : 0;
            string reason = Encoding.UTF8.GetString(reasonBytes);
            bool hasNonce = m.TryGetAttribute(StunAttributeType.Nonce, out ReadOnlySpan<byte> nonce);
            bool hasRealm = m.TryGetAttribute(StunAttributeType.Realm, out ReadOnlySpan<byte> realm);
            if (code == 401 && key is null && !challenged && hasNonce && hasRealm)
            {
                challenged = true;
                Challenge(Encoding.UTF8.GetString(realm), Encoding.UTF8.GetString(nonce));
                continue;
            }

            if (code == 438 && hasNonce && staleRetries++ < MaxStaleNonceRetries)
            {
                LogStaleNonce(request.Method);
                lock (_lock)
                {
                    _nonce = Encoding.UTF8.GetString(nonce);
                }

                continue;
            }

            IPEndPoint? alternate = null;
            if (code == 300 && m.TryGetAddress(StunAttributeType.AlternateServer, out StunEndPoint a))
            {
                alternate = a.ToIPEndPoint();
            }

            LogError(request.Method, code, reason);
            throw new TurnErrorException(TurnErrorException.KindOf(code), code, reason, alternate);
        }
    }

    /// <summary>Wipes the key.</summary>
    public void Dispose() => ResetCredentials();

    private void Challenge(string realm, string nonce)
    {
        byte[] raw = StunIntegrity.LongTermKey(_username, realm, _password);
        var key = new StunHmacSha1Key(raw);
        CryptographicOperations.ZeroMemory(raw);
        lock (_lock)
        {
            _key?.Dispose();
            _key = key;
            _realm = realm;
            _nonce = nonce;
        }
    }

    private byte[] Write(TurnRequest request, out StunHmacSha1Key? key)
    {
        Span<byte> transactionId = stackalloc byte[StunConstants.TransactionIdLength];
        RandomNumberGenerator.Fill(transactionId);
        int length;
        byte[] buffer;
        lock (_lock) // the key is signed with under the lock: a redirection may dispose it meanwhile
        {
            key = _key;

            // Sized for what the server handed us: RFC 8489 allows REALM and NONCE up to 763 bytes each (a 438 may
            // bring a long nonce), so a fixed buffer would make some servers unusable.
            int size = MaxMethodAttributes;
            if (key is not null)
            {
                size += 3 * (StunConstants.AttributeHeaderLength + 3) + Encoding.UTF8.GetByteCount(_username)
                    + Encoding.UTF8.GetByteCount(_realm ?? string.Empty) + Encoding.UTF8.GetByteCount(_nonce ?? string.Empty);
            }

            buffer = new byte[size];
            var writer = new StunMessageWriter(buffer, new StunMessageType(request.Method, StunClass.Request), transactionId);
            request.WriteAttributes(ref writer);
            if (key is not null)
            {
                writer.AddString(StunAttributeType.Username, _username);
                writer.AddString(StunAttributeType.Realm, _realm);
                writer.AddString(StunAttributeType.Nonce, _nonce);
                writer.AddMessageIntegrity(key);
            }

            writer.AddFingerprint();
            if (!writer.TryComplete(out length))
            {
                throw new InvalidOperationException("TURN request does not fit."); // a sizing bug: the buffer is sized above
            }
        }

        return buffer[..length];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN: 438 Stale Nonce for method {Method}, retrying with the new nonce")]
    private partial void LogStaleNonce(ushort method);

    [LoggerMessage(Level = LogLevel.Information, Message = "TURN: method {Method} failed with {Code} {Reason}")]
    private partial void LogError(ushort method, int code, string reason);
}
