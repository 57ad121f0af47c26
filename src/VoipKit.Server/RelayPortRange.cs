namespace VoipKit.Server;

/// <summary>
/// The UDP port range the relay allocates TURN relayed addresses from (RFC 8656 recommends
/// 49152–65535); narrow ranges keep firewalls and tests simple.
/// </summary>
public sealed record RelayPortRange
{
    /// <summary>Creates a range.</summary>
    /// <param name="first">The first port, 1024–65535.</param>
    /// <param name="last">The last port, at least <paramref name="first"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or outside 1024–65535.</exception>
    public RelayPortRange(int first, int last)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        First = first;
        Last = last;
    }

    /// <summary>The range RFC 8656 recommends.</summary>
    public static RelayPortRange Default { get; } = new(49152, 65535);

    /// <summary>The first port.</summary>
    public int First { get; }

    /// <summary>The last port (inclusive).</summary>
    public int Last { get; }

    /// <summary>How many ports the range holds.</summary>
    public int Count => Last - First + 1;
}
