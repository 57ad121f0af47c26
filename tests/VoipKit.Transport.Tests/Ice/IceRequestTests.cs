using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>How the agent answers checks written by hand: authentication, the response's contents, role conflicts.</summary>
public sealed class IceRequestTests : IAsyncDisposable
{
    private static readonly IPEndPoint PeerAddress = IPEndPoint.Parse("198.51.100.20:6000");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly VirtualNetwork _net;
    private readonly IcePeer _agent;
    private readonly VirtualSocket _peer;
    private readonly List<byte[]> _answers = [];
    private readonly Task _peerLoop;
    private readonly CancellationTokenSource _stop = new();

    public IceRequestTests()
    {
        _net = new VirtualNetwork(_time);
        _agent = new IcePeer(_net, IceRole.Controlling, null, _net.Bind("192.0.2.10:5000"));
        _peer = _net.Bind(PeerAddress.ToString());
        _peerLoop = ReadPeerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _peerLoop);
        _stop.Dispose();
    }

    [Fact]
    public async Task A_signed_check_gets_a_signed_success_with_the_source_and_teaches_a_peer_reflexive_candidate()
    {
        await _agent.GatherAsync();
        IceCredentials local = _agent.Agent.LocalCredentials;
        byte[] check = Check(local.Ufrag + ":peer", local.Password, IceRole.Controlled, tieBreaker: 5, priority: 1862270975);
        await _peer.SendAsync(check, (IPEndPoint)_agent.Sockets[0].LocalEndPoint, default);
        await _net.RunAsync(TimeSpan.FromMilliseconds(30));

        byte[] answer = Assert.Single(_answers);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(answer, out StunMessage m));
        Assert.Equal(StunClass.SuccessResponse, m.Class);
        using var key = new StunHmacSha1Key(StunIntegrity.ShortTermKey(local.Password));
        Assert.True(StunIntegrity.VerifyMessageIntegrity(m, key));
        Assert.True(StunIntegrity.VerifyFingerprint(m));
        Assert.True(m.TryGetAddress(StunAttributeType.XorMappedAddress, out StunEndPoint mapped));
        Assert.Equal(PeerAddress, mapped.ToIPEndPoint());
        IceCandidatePair pair = Assert.Single(_agent.Agent.Pairs);
        Assert.Equal(IceCandidateType.PeerReflexive, pair.Remote.Type);
        Assert.Equal(1862270975u, pair.Remote.Priority);
        Assert.Equal(IceCandidatePairState.Waiting, pair.State); // a triggered check waits for the remote password
    }

    [Theory]
    [InlineData("wrong-password-0123456789", 401)]
    [InlineData(null, 400)]
    public async Task Unauthenticated_checks_are_refused_and_teach_nothing(string? password, int code)
    {
        await _agent.GatherAsync();
        IceCredentials local = _agent.Agent.LocalCredentials;
        byte[] check = Check(local.Ufrag + ":peer", password, IceRole.Controlled, tieBreaker: 5, priority: 1);
        await _peer.SendAsync(check, (IPEndPoint)_agent.Sockets[0].LocalEndPoint, default);
        await _net.RunAsync(TimeSpan.FromMilliseconds(30));

        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Assert.Single(_answers), out StunMessage m));
        Assert.Equal(StunClass.ErrorResponse, m.Class);
        Assert.True(m.TryGetErrorCode(out int actual, out _));
        Assert.Equal(code, actual);
        Assert.False(m.HasMessageIntegrity);
        Assert.Empty(_agent.Agent.Pairs);
    }

    [Theory]
    [InlineData(0ul, 487)]            // our tie-breaker is at least theirs: they must switch
    [InlineData(ulong.MaxValue, 0)]   // theirs is larger: we switch to controlled and answer
    public async Task Controlling_meets_controlling_by_tie_breaker(ulong theirs, int expectedError)
    {
        await _agent.GatherAsync();
        IceCredentials local = _agent.Agent.LocalCredentials;
        byte[] check = Check(local.Ufrag + ":peer", local.Password, IceRole.Controlling, theirs, priority: 1);
        await _peer.SendAsync(check, (IPEndPoint)_agent.Sockets[0].LocalEndPoint, default);
        await _net.RunAsync(TimeSpan.FromMilliseconds(30));

        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Assert.Single(_answers), out StunMessage m));
        if (expectedError == 0)
        {
            Assert.Equal(StunClass.SuccessResponse, m.Class);
            Assert.Equal(IceRole.Controlled, _agent.Agent.Role);
        }
        else
        {
            Assert.Equal(StunClass.ErrorResponse, m.Class);
            Assert.True(m.TryGetErrorCode(out int code, out _));
            Assert.Equal(expectedError, code);
            Assert.True(m.HasMessageIntegrity);
            Assert.Equal(IceRole.Controlling, _agent.Agent.Role);
        }
    }

    [Fact]
    public async Task Checks_for_another_ufrag_or_without_fingerprint_get_no_success()
    {
        await _agent.GatherAsync();
        IceCredentials local = _agent.Agent.LocalCredentials;
        await _peer.SendAsync(Check("nobody:peer", local.Password, IceRole.Controlled, 1, 1), (IPEndPoint)_agent.Sockets[0].LocalEndPoint, default);
        await _peer.SendAsync(Check(local.Ufrag + ":peer", local.Password, IceRole.Controlled, 1, 1, fingerprint: false), (IPEndPoint)_agent.Sockets[0].LocalEndPoint, default);
        await _net.RunAsync(TimeSpan.FromMilliseconds(30));
        Assert.All(_answers, a => Assert.True(StunMessage.TryParse(a, out StunMessage m) == StunParseResult.Ok && m.Class == StunClass.ErrorResponse));
        Assert.Empty(_agent.Agent.Pairs);
    }

    private static byte[] Check(string username, string? password, IceRole role, ulong tieBreaker, uint priority, bool fingerprint = true)
    {
        byte[] buffer = new byte[548];
        byte[] tid = new byte[12];
        System.Security.Cryptography.RandomNumberGenerator.Fill(tid);
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, tid);
        w.AddString(StunAttributeType.Username, username);
        w.AddUInt32(StunAttributeType.Priority, priority);
        w.AddUInt64(role == IceRole.Controlling ? StunAttributeType.IceControlling : StunAttributeType.IceControlled, tieBreaker);
        if (password is not null)
        {
            w.AddMessageIntegrity(StunIntegrity.ShortTermKey(password));
        }

        if (fingerprint)
        {
            w.AddFingerprint();
        }

        Assert.True(w.TryComplete(out int length));
        return buffer[..length];
    }

    private async Task ReadPeerAsync()
    {
        byte[] buffer = new byte[2048];
        while (true)
        {
            DatagramReceiveResult r = await _peer.ReceiveAsync(buffer, _stop.Token);
            lock (_answers)
            {
                _answers.Add(buffer[..r.Length]);
            }
        }
    }
}
