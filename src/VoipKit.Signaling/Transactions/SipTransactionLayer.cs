using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>
/// The SIP transaction layer: creates client transactions for the TU, matches incoming responses (RFC 3261 17.1.3)
/// and requests (17.2.3) to transactions, creates server transactions for new requests, answers CANCEL, and keeps a
/// bounded table from which terminated transactions are removed.
/// </summary>
internal sealed partial class SipTransactionLayer : IDisposable
{
    private readonly Dictionary<string, SipTransaction> _table = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary>Creates a layer.</summary>
    /// <param name="sender">The transport.</param>
    /// <param name="timeProvider">The clock for every timer; the system clock when null.</param>
    /// <param name="options">Timer values and limits; defaults when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public SipTransactionLayer(ISipMessageSender sender, TimeProvider? timeProvider = null, SipTransactionOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sender);
        Sender = sender;
        Time = timeProvider ?? TimeProvider.System;
        Options = options ?? new SipTransactionOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>A new request arrived and has its server transaction; the TU must answer through it.</summary>
    public Action<SipServerTransaction>? RequestReceived { get; set; }

    /// <summary>
    /// A CANCEL matched a pending server INVITE transaction; the layer already answered the CANCEL with 200, and the
    /// TU should answer the INVITE with 487. When no hook is set the layer sends the 487 itself.
    /// </summary>
    public Action<SipServerInviteTransaction, SipRequest>? CancelReceived { get; set; }

    /// <summary>
    /// A message no transaction matched that belongs to the TU core: an ACK for a 2xx, or a response (typically a 2xx
    /// retransmission) after its client transaction ended.
    /// </summary>
    public Action<SipMessage, EndPoint>? UnmatchedMessage { get; set; }

    /// <summary>A transaction ended without a normal result: timeout (B, F, H) or transport error.</summary>
    public Action<SipTransaction, SipTransactionResult>? TransactionFailed { get; set; }

    /// <summary>Live transactions in the table.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _table.Count;
            }
        }
    }

    internal ISipMessageSender Sender { get; }

    internal TimeProvider Time { get; }

    internal SipTransactionOptions Options { get; }

    /// <summary>Starts a client transaction for a request (not ACK) whose top Via has an RFC 3261 branch.</summary>
    /// <param name="request">The request.</param>
    /// <param name="destination">Where to send it.</param>
    /// <param name="onResponse">Receives provisional responses, and 2xx after the first one (INVITE).</param>
    /// <returns>The transaction; await its <see cref="SipTransaction.Completion"/>.</returns>
    /// <exception cref="ArgumentException">ACK, no Via branch with the magic cookie, no CSeq, or a branch already in use.</exception>
    /// <exception cref="SipTransactionLimitException">The table is full.</exception>
    public SipClientTransaction SendRequest(SipRequest request, EndPoint destination, Action<SipResponse>? onResponse = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(destination);
        return StartClientTransaction(request, destination, onResponse, bypassLimit: false);
    }

    /// <summary>Passes a message received from the transport.</summary>
    /// <param name="message">The parsed message.</param>
    /// <param name="source">Where it came from (responses of server transactions go there).</param>
    public void OnMessageReceived(SipMessage message, EndPoint source)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(source);
        if (message is SipResponse response)
        {
            OnResponse(response, source);
        }
        else if (message is SipRequest request)
        {
            OnRequest(request, source);
        }
    }

    /// <summary>Ends every transaction (their pending results become NotSent) and stops accepting work.</summary>
    public void Dispose()
    {
        SipTransaction[] all;
        lock (_gate)
        {
            _disposed = true;
            all = [.. _table.Values];
        }

        foreach (SipTransaction t in all)
        {
            t.Dispose();
        }
    }

    internal SipClientTransaction StartClientTransaction(SipRequest request, EndPoint destination, Action<SipResponse>? onResponse, bool bypassLimit)
    {
        if (request.Method == SipMethods.Ack)
        {
            throw new ArgumentException("ACK is not sent in a transaction.", nameof(request));
        }

        string? branch = request.Via.Count > 0 ? request.Via[0].Branch : null;
        if (branch is null || !branch.StartsWith(SipTransactionMessages.MagicCookie, StringComparison.Ordinal))
        {
            throw new ArgumentException("The top Via needs a branch starting with z9hG4bK.", nameof(request));
        }

        if (request.CSeq is not { } cseq || cseq.Method != request.Method)
        {
            throw new ArgumentException("The CSeq is missing or names another method.", nameof(request));
        }

        string key = ClientKey(branch, request.Method);
        SipClientTransaction tx = request.Method == SipMethods.Invite
            ? new SipClientInviteTransaction(this, request, destination, key, onResponse)
            : new SipClientNonInviteTransaction(this, request, destination, key, onResponse);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!bypassLimit && _table.Count >= Options.MaxTransactions)
            {
                throw new SipTransactionLimitException();
            }

            if (!_table.TryAdd(key, tx))
            {
                throw new ArgumentException("A transaction with this branch and method already exists.", nameof(request));
            }
        }

        tx.Start();
        return tx;
    }

    internal void Remove(SipTransaction transaction)
    {
        lock (_gate)
        {
            if (_table.TryGetValue(transaction.Key, out SipTransaction? current) && ReferenceEquals(current, transaction))
            {
                _table.Remove(transaction.Key);
            }
        }
    }

    internal void ReportFailure(SipTransaction transaction, SipTransactionResult result)
    {
        LogFailure(transaction.Request.Method, result.Outcome);
        TransactionFailed?.Invoke(transaction, result);
    }

    private static string ClientKey(string branch, string method) => "C|" + branch + "|" + method;

    /// <summary>RFC 3261 17.2.3 key; ACK maps to the INVITE. Without the magic cookie, an RFC 2543-style fallback.</summary>
    private static string? ServerKey(SipRequest request, string method)
    {
        if (request.Via.Count == 0 || request.CSeq is not { } cseq)
        {
            return null;
        }

        SipVia top = request.Via[0];
        int defaultPort = top.Transport.Equals("TLS", StringComparison.OrdinalIgnoreCase) ? 5061 : 5060;
        string sentBy = top.Host.ToLowerInvariant() + ":" + (top.Port ?? defaultPort).ToString(CultureInfo.InvariantCulture);
        string? branch = top.Branch;
        if (branch is not null && branch.StartsWith(SipTransactionMessages.MagicCookie, StringComparison.Ordinal))
        {
            return "S|" + branch + "|" + sentBy + "|" + method;
        }

        // RFC 2543 peers: Call-ID, CSeq number, From tag and sent-by identify the transaction (the To tag is left
        // out so the ACK, which carries the tag we added, still matches).
        return "S2543|" + request.CallId + "|" + cseq.Number.ToString(CultureInfo.InvariantCulture) + "|" + request.From?.Tag + "|" + sentBy + "|" + method;
    }

    private SipTransaction? Find(string key)
    {
        lock (_gate)
        {
            return _table.GetValueOrDefault(key);
        }
    }

    private void OnResponse(SipResponse response, EndPoint source)
    {
        string? branch = response.Via.Count > 0 ? response.Via[0].Branch : null;
        if (branch is null || response.CSeq is not { } cseq)
        {
            return; // cannot match anything (17.1.3); dropped
        }

        if (Find(ClientKey(branch, cseq.Method)) is SipClientTransaction tx)
        {
            tx.OnResponse(response);
        }
        else
        {
            UnmatchedMessage?.Invoke(response, source);
        }
    }

    private void OnRequest(SipRequest request, EndPoint source)
    {
        string method = request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method;
        string? key = ServerKey(request, method);
        if (key is null)
        {
            return; // no Via or CSeq: not a request a transaction can answer
        }

        SipTransaction? existing = Find(key);
        if (request.Method == SipMethods.Ack)
        {
            if (existing is SipServerInviteTransaction invite && invite.HasFinalResponse && invite.State != SipTransactionState.Accepted)
            {
                invite.OnAck();
            }
            else
            {
                UnmatchedMessage?.Invoke(request, source); // ACK for a 2xx: end-to-end, the TU's business
            }

            return;
        }

        if (existing is SipServerTransaction retransmitted)
        {
            retransmitted.OnRetransmission();
            return;
        }

        SipServerTransaction tx = method == SipMethods.Invite
            ? new SipServerInviteTransaction(this, request, source, key)
            : new SipServerNonInviteTransaction(this, request, source, key);
        bool added;
        lock (_gate)
        {
            added = !_disposed && _table.Count < Options.MaxTransactions && _table.TryAdd(key, tx);
        }

        if (!added)
        {
            LogOverload(request.Method);
            tx.Dispose();
            _ = SendStatelessAsync(SipTransactionMessages.CreateResponse(request, 503, SipTransactionMessages.NewTag()), source);
            return;
        }

        tx.Start();
        if (method == SipMethods.Cancel)
        {
            OnCancel((SipServerNonInviteTransaction)tx, request);
        }
        else
        {
            RequestReceived?.Invoke(tx);
        }
    }

    /// <summary>RFC 3261 9.2: 200 to the CANCEL when the INVITE is found, 487 to a still pending INVITE, else 481.</summary>
    private void OnCancel(SipServerNonInviteTransaction cancelTx, SipRequest cancel)
    {
        string? inviteKey = ServerKey(cancel, SipMethods.Invite);
        if (inviteKey is null || Find(inviteKey) is not SipServerInviteTransaction invite)
        {
            cancelTx.Respond(481);
            return;
        }

        // RFC 3261 9.2: the 200 to CANCEL SHOULD carry the To tag of our responses to the INVITE (a 180's, say).
        string? toTag = invite.Request.To?.Tag ?? invite.ResponseToTag;
        cancelTx.Respond(200, toTag);
        if (!invite.IsPending)
        {
            return;
        }

        if (CancelReceived is { } hook)
        {
            hook(invite, cancel);
        }
        else
        {
            try
            {
                invite.Respond(487);
            }
            catch (InvalidOperationException)
            {
                // The TU answered the INVITE between our check and now: the CANCEL has no effect (9.2).
            }
        }
    }

    private async Task SendStatelessAsync(SipResponse response, EndPoint destination)
    {
        try
        {
            await Sender.SendAsync(response, destination, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStatelessSendFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIP {Method} transaction failed: {Outcome}")]
    private partial void LogFailure(string method, SipTransactionOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP transaction table full; {Method} answered 503")]
    private partial void LogOverload(string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending a stateless SIP response failed")]
    private partial void LogStatelessSendFailed(Exception ex);
}
