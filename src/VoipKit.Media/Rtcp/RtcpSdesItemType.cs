namespace VoipKit.Media.Rtcp;

/// <summary>SDES item types (RFC 3550 6.5).</summary>
public enum RtcpSdesItemType : byte
{
    /// <summary>End of the item list (not an item).</summary>
    End = 0,

    /// <summary>Canonical end-point identifier: stable per endpoint, links its streams.</summary>
    Cname = 1,

    /// <summary>User name.</summary>
    Name = 2,

    /// <summary>Electronic mail address.</summary>
    Email = 3,

    /// <summary>Phone number.</summary>
    Phone = 4,

    /// <summary>Geographic user location.</summary>
    Location = 5,

    /// <summary>Application or tool name.</summary>
    Tool = 6,

    /// <summary>Notice/status.</summary>
    Note = 7,

    /// <summary>Private extensions.</summary>
    Private = 8,
}
