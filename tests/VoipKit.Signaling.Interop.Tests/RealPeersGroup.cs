namespace VoipKit.Signaling.Interop.Tests;

/// <summary>
/// Every test class that starts Kamailio or SIPp joins this collection: real processes and
/// real ports, so they run one at a time and never beside another class of this project.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealPeersGroup
{
    public const string Name = "RealPeers";
}
