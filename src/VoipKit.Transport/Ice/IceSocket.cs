using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>
/// A base the agent sends from and reads: a host UDP socket, or a relayed transport from an
/// <see cref="IRelayedCandidateSource"/>. Its transport is shared with media (RTP/RTCP multiplexed).
/// </summary>
internal sealed class IceSocket
{
    /// <summary>Wraps <paramref name="transport"/> (not owned).</summary>
    public IceSocket(IDatagramTransport transport, int index, bool relayed)
    {
        Transport = transport;
        Index = index;
        IsRelayed = relayed;
        LocalEndPoint = (IPEndPoint)transport.LocalEndPoint;
    }

    /// <summary>The transport.</summary>
    public IDatagramTransport Transport { get; }

    /// <summary>Its position among the agent's bases (earlier ones get higher local preference).</summary>
    public int Index { get; }

    /// <summary>Whether this base is a TURN relay.</summary>
    public bool IsRelayed { get; }

    /// <summary>The base address.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The host or relayed candidate whose base this is.</summary>
    public IceCandidate? BaseCandidate { get; set; }

    /// <summary>Replaced by other sockets in an ICE restart: still read (media on the old pair), never paired again.</summary>
    public bool Retired { get; set; }

    /// <summary>Whether server-reflexive gathering ran on this base.</summary>
    public bool ReflexiveGathered { get; set; }

    /// <summary>The STUN client for server-reflexive gathering, fed by the agent's demultiplexer.</summary>
    public StunClient? Stun { get; set; }

    /// <inheritdoc/>
    public override string ToString() => LocalEndPoint.ToString();
}
