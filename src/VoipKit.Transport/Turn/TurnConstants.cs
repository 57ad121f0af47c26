namespace VoipKit.Transport.Turn;

/// <summary>TURN methods and timers (RFC 8656 sections 3, 9, 12, 18).</summary>
internal static class TurnConstants
{
    /// <summary>Allocate request.</summary>
    public const ushort Allocate = 0x003;

    /// <summary>Refresh request.</summary>
    public const ushort Refresh = 0x004;

    /// <summary>Send indication (client to server).</summary>
    public const ushort Send = 0x006;

    /// <summary>Data indication (server to client).</summary>
    public const ushort Data = 0x007;

    /// <summary>CreatePermission request.</summary>
    public const ushort CreatePermission = 0x008;

    /// <summary>ChannelBind request.</summary>
    public const ushort ChannelBind = 0x009;

    /// <summary>REQUESTED-TRANSPORT value for UDP (the IP protocol number).</summary>
    public const byte TransportUdp = 17;

    /// <summary>How long a permission lasts on the server (section 9).</summary>
    public static readonly TimeSpan PermissionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>How long a channel binding lasts on the server (section 12).</summary>
    public static readonly TimeSpan ChannelLifetime = TimeSpan.FromMinutes(10);
}
