namespace VoipKit.Signaling.Messages;

/// <summary>One parameter of an authentication header value.</summary>
/// <param name="Name">The name (such as realm, nonce, response).</param>
/// <param name="Value">The value, unquoted.</param>
/// <param name="Quoted">Whether it was (or is to be) written as a quoted string.</param>
public readonly record struct SipAuthParameter(string Name, string Value, bool Quoted);
