using System.Net;

namespace VoipKit.Transport.Turn;

/// <summary>A TURN request failed with an error response (RFC 8656 section 19) or an unusable response.</summary>
internal sealed class TurnErrorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TurnErrorException(TurnErrorKind kind, int code, string reason, IPEndPoint? alternateServer = null)
        : base($"TURN error {code} {reason} ({kind})")
    {
        Kind = kind;
        Code = code;
        Reason = reason;
        AlternateServer = alternateServer;
    }

    /// <summary>What the error means.</summary>
    public TurnErrorKind Kind { get; }

    /// <summary>The STUN error code (300–699), 0 when there was none.</summary>
    public int Code { get; }

    /// <summary>The server's reason phrase.</summary>
    public string Reason { get; }

    /// <summary>ALTERNATE-SERVER of a 300 response.</summary>
    public IPEndPoint? AlternateServer { get; }

    /// <summary>Maps an error code to its kind.</summary>
    public static TurnErrorKind KindOf(int code) => code switch
    {
        300 => TurnErrorKind.TooManyRedirects,
        401 => TurnErrorKind.Unauthorized,
        403 => TurnErrorKind.Forbidden,
        437 => TurnErrorKind.AllocationMismatch,
        438 => TurnErrorKind.StaleNonce,
        440 => TurnErrorKind.AddressFamilyNotSupported,
        441 => TurnErrorKind.WrongCredentials,
        442 => TurnErrorKind.UnsupportedTransport,
        486 => TurnErrorKind.AllocationQuotaReached,
        508 => TurnErrorKind.InsufficientCapacity,
        _ => TurnErrorKind.Other,
    };
}
