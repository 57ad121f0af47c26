namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// RFC 8599 push notification parameters, put in the Contact URI of REGISTER so that a proxy can wake a sleeping device
/// (for example a phone app in the background) with a push before forwarding a call to it.
/// </summary>
/// <param name="Provider">The push service, <c>pn-provider</c> (for example <c>apns</c> or <c>fcm</c>).</param>
/// <param name="Prid">The device's push token, <c>pn-prid</c>.</param>
/// <param name="Param">Provider-specific data, <c>pn-param</c> (for APNs the app bundle and service), or null.</param>
public sealed record SipPushParameters(string Provider, string Prid, string? Param = null);
