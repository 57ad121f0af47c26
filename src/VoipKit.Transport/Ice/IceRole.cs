namespace VoipKit.Transport.Ice;

/// <summary>The agent's role (RFC 8445 section 6.1.1): the controlling agent nominates.</summary>
internal enum IceRole
{
    /// <summary>Nominates the pair to use (USE-CANDIDATE).</summary>
    Controlling,

    /// <summary>Follows the controlling agent's nomination.</summary>
    Controlled,
}
