namespace VoipKit.Signaling.Messages;

/// <summary>SIP method names (methods are case-sensitive).</summary>
public static class SipMethods
{
    /// <summary>INVITE.</summary>
    public const string Invite = "INVITE";

    /// <summary>ACK.</summary>
    public const string Ack = "ACK";

    /// <summary>BYE.</summary>
    public const string Bye = "BYE";

    /// <summary>CANCEL.</summary>
    public const string Cancel = "CANCEL";

    /// <summary>OPTIONS.</summary>
    public const string Options = "OPTIONS";

    /// <summary>REGISTER.</summary>
    public const string Register = "REGISTER";

    /// <summary>PRACK (RFC 3262).</summary>
    public const string Prack = "PRACK";

    /// <summary>UPDATE (RFC 3311).</summary>
    public const string Update = "UPDATE";

    /// <summary>INFO (RFC 6086).</summary>
    public const string Info = "INFO";

    /// <summary>MESSAGE (RFC 3428).</summary>
    public const string Message = "MESSAGE";

    /// <summary>SUBSCRIBE (RFC 6665).</summary>
    public const string Subscribe = "SUBSCRIBE";

    /// <summary>NOTIFY (RFC 6665).</summary>
    public const string Notify = "NOTIFY";

    /// <summary>REFER (RFC 3515).</summary>
    public const string Refer = "REFER";

    /// <summary>Returns the shared string of a known method, avoiding an allocation; other methods get a new string.</summary>
    internal static string Intern(ReadOnlySpan<char> m) => m switch
    {
        Invite => Invite,
        Ack => Ack,
        Bye => Bye,
        Cancel => Cancel,
        Options => Options,
        Register => Register,
        Prack => Prack,
        Update => Update,
        Info => Info,
        Message => Message,
        Subscribe => Subscribe,
        Notify => Notify,
        Refer => Refer,
        _ => m.ToString(),
    };
}
