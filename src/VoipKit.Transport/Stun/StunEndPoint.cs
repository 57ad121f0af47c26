using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace VoipKit.Transport.Stun;

/// <summary>
/// An IPv4 or IPv6 address and port held inline, so reading an address attribute allocates nothing.
/// Convert with <see cref="ToIPEndPoint"/> / <see cref="FromIPEndPoint"/> off the hot path.
/// </summary>
internal readonly record struct StunEndPoint
{
    private readonly ulong _high;
    private readonly ulong _low;

    private StunEndPoint(AddressFamily family, ulong high, ulong low, ushort port)
    {
        Family = family;
        _high = high;
        _low = low;
        Port = port;
    }

    /// <summary><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>.</summary>
    public AddressFamily Family { get; }

    /// <summary>The port.</summary>
    public ushort Port { get; }

    /// <summary>The address length in bytes: 4 or 16.</summary>
    public int AddressLength => Family == AddressFamily.InterNetwork ? 4 : 16;

    /// <summary>Creates an end point from address bytes (4 or 16) and a port.</summary>
    public static StunEndPoint Create(ReadOnlySpan<byte> address, ushort port)
    {
        if (address.Length == 4)
        {
            return new StunEndPoint(AddressFamily.InterNetwork, 0, BinaryPrimitives.ReadUInt32BigEndian(address), port);
        }

        if (address.Length == 16)
        {
            return new StunEndPoint(
                AddressFamily.InterNetworkV6, BinaryPrimitives.ReadUInt64BigEndian(address), BinaryPrimitives.ReadUInt64BigEndian(address[8..]), port);
        }

        throw new ArgumentException("An address is 4 or 16 bytes.", nameof(address));
    }

    /// <summary>Converts an <see cref="IPEndPoint"/>.</summary>
    public static StunEndPoint FromIPEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Span<byte> bytes = stackalloc byte[16];
        if (!endPoint.Address.TryWriteBytes(bytes, out int written))
        {
            throw new ArgumentException("Unsupported address.", nameof(endPoint));
        }

        return Create(bytes[..written], (ushort)endPoint.Port);
    }

    /// <summary>Writes the address bytes (4 or 16) to <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public int WriteAddress(Span<byte> destination)
    {
        if (Family == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_low);
            return 4;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
        return 16;
    }

    /// <summary>Converts to an <see cref="IPEndPoint"/> (allocates).</summary>
    public IPEndPoint ToIPEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = WriteAddress(bytes);
        return new IPEndPoint(new IPAddress(bytes[..length]), Port);
    }

    /// <inheritdoc/>
    public override string ToString() => Family == AddressFamily.Unspecified ? "(none)" : ToIPEndPoint().ToString();
}
