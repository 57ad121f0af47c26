namespace VoipKit.Signaling;

/// <summary>The default reason phrases of the SIP response codes VoipKit sends (RFC 3261 section 21 and later RFCs).</summary>
public static class SipReasonPhrases
{
    /// <summary>Returns the standard reason phrase of a status code.</summary>
    /// <param name="statusCode">A SIP status code, 100–699.</param>
    /// <returns>The phrase, or a generic one for the code's class when the code is not a registered one.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The code is outside 100–699.</exception>
    public static string Get(int statusCode) => statusCode switch
    {
        100 => "Trying",
        180 => "Ringing",
        181 => "Call Is Being Forwarded",
        182 => "Queued",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        301 => "Moved Permanently",
        302 => "Moved Temporarily",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        416 => "Unsupported URI Scheme",
        420 => "Bad Extension",
        421 => "Extension Required",
        422 => "Session Interval Too Small",
        423 => "Interval Too Brief",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        482 => "Loop Detected",
        483 => "Too Many Hops",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        491 => "Request Pending",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        504 => "Server Time-out",
        505 => "Version Not Supported",
        513 => "Message Too Large",
        600 => "Busy Everywhere",
        603 => "Decline",
        604 => "Does Not Exist Anywhere",
        606 => "Not Acceptable",
        >= 100 and < 200 => "Provisional",
        >= 200 and < 300 => "Success",
        >= 300 and < 400 => "Redirection",
        >= 400 and < 500 => "Client Error",
        >= 500 and < 600 => "Server Error",
        >= 600 and < 700 => "Global Failure",
        _ => throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "SIP status codes are 100-699."),
    };
}
