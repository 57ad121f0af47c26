using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transports;

/// <summary>What every transport does with a received frame: parse, reject, stamp the Via, hand to the handler.</summary>
internal static partial class SipInbound
{
    /// <summary>What became of a parse attempt.</summary>
    internal enum Outcome
    {
        Delivered,
        Dropped,
        Rejected,
    }

    /// <summary>
    /// Parses one frame. A request that fails to parse but carries readable Via/From/To/Call-ID/CSeq gets its 400 (or 505)
    /// in <paramref name="rejection"/> to send back; everything malformed is counted.
    /// </summary>
    public static Outcome Parse(
        SipParseException? error,
        SipMessage? message,
        IPEndPoint remote,
        SipTransportOptions options,
        SipTransportStatistics statistics,
        ILogger logger,
        out SipResponse? rejection)
    {
        rejection = null;
        if (error is not null)
        {
            if (error.Error == SipParseError.MessageTooLarge)
            {
                statistics.OnOversized();
            }
            else
            {
                statistics.OnMalformed();
            }

            LogDropped(logger, remote, error.Error, error.Message);
            if (error.CanRespond)
            {
                rejection = SipResponse.ForRejectedRequest(error);
                statistics.OnRejectedWith400();
                return Outcome.Rejected;
            }

            return Outcome.Dropped;
        }

        if (options.FillReceivedAndRPort && message is SipRequest request)
        {
            SipViaReceived.Apply(request, remote);
        }

        return Outcome.Delivered;
    }

    /// <summary>Calls the handler, so that a failing handler is logged and counted instead of ending a receive loop.</summary>
    public static async ValueTask DeliverAsync(
        SipMessageHandler handler,
        SipReceivedMessage received,
        SipTransportStatistics statistics,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        statistics.OnReceived();
        try
        {
            await handler(received, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The handler is application code: its failure is logged and counted, the loop goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            statistics.OnHandlerFailure();
            LogHandlerFailed(logger, received.RemoteEndPoint, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a malformed SIP message from {Remote}: {Error} ({Detail})")]
    private static partial void LogDropped(ILogger logger, IPEndPoint remote, SipParseError error, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "The SIP message handler failed for a message from {Remote}")]
    private static partial void LogHandlerFailed(ILogger logger, IPEndPoint remote, Exception exception);
}
