using VoipKit.Signaling.Interop.Tests.Infrastructure;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Interop.Tests;

/// <summary>
/// Harness self-tests: each UAC scenario against the UAS scenario that plays the other side,
/// peer to peer on loopback, so a later failure against VoipKit's UA is the UA's, not the scenario's.
/// </summary>
[Collection(RealPeersGroup.Name)]
[Trait("Category", "RealPeers")]
public sealed class SippPeerToPeerTests
{
    public static TheoryData<string, string, string, string> Pairs => new()
    {
        {
            "uac-call-bye.xml", "uas-answer-bye.xml",
            ">INVITE <100 INVITE <180 INVITE <200 INVITE >ACK >BYE <200 BYE",
            "<INVITE >100 INVITE >180 INVITE >200 INVITE <ACK <BYE >200 BYE"
        },
        {
            "uac-callee-bye.xml", "uas-answer-then-bye.xml",
            ">INVITE <100 INVITE <180 INVITE <200 INVITE >ACK <BYE >200 BYE",
            "<INVITE >100 INVITE >180 INVITE >200 INVITE <ACK >BYE <200 BYE"
        },
        {
            "uac-cancel.xml", "uas-cancel.xml",
            ">INVITE <100 INVITE <180 INVITE >CANCEL <200 CANCEL <487 INVITE >ACK",
            "<INVITE >100 INVITE >180 INVITE <CANCEL >200 CANCEL >487 INVITE <ACK"
        },
        {
            "uac-busy.xml", "uas-busy.xml",
            ">INVITE <100 INVITE <486 INVITE >ACK",
            "<INVITE >100 INVITE >486 INVITE <ACK"
        },
        {
            "uac-reinvite.xml", "uas-reinvite.xml",
            ">INVITE <100 INVITE <180 INVITE <200 INVITE >ACK >INVITE <200 INVITE >ACK >BYE <200 BYE",
            "<INVITE >100 INVITE >180 INVITE >200 INVITE <ACK <INVITE >200 INVITE <ACK <BYE >200 BYE"
        },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Uac_scenario_completes_against_its_uas_scenario(string uac, string uas, string uacFlow, string uasFlow)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var callee = await Sipp.StartUasAsync(uas, "bob", timeout.Token);

        var caller = await Sipp.CallAsync(uac, callee.EndPoint, "bob", timeout.Token);
        var answered = await callee.WaitForExitAsync(timeout.Token);

        caller.AssertSucceeded();
        answered.AssertSucceeded();
        Assert.Equal(uacFlow, string.Join(" ", caller.Flow));
        Assert.Equal(uasFlow, string.Join(" ", answered.Flow));

        // Every message sipp produced is one VoipKit's parser reads.
        foreach (var message in caller.Messages.Concat(answered.Messages))
        {
            var parsed = message.Parse();
            Assert.Equal(message.IsResponse, parsed is SipResponse);
            Assert.Equal(message.Method, parsed.CSeq?.Method);
        }
    }

    [Fact]
    public async Task Offer_carries_opus_48000_2_and_pcmu_and_the_answer_opus()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var callee = await Sipp.StartUasAsync("uas-answer-bye.xml", "bob", timeout.Token);

        var caller = (await Sipp.CallAsync("uac-call-bye.xml", callee.EndPoint, "bob", timeout.Token)).AssertSucceeded();
        (await callee.WaitForExitAsync(timeout.Token)).AssertSucceeded();

        var offer = caller.Messages.First(m => m.Sent && m.Method == "INVITE").Text;
        Assert.Contains("m=audio ", offer, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:111 opus/48000/2", offer, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:0 PCMU/8000", offer, StringComparison.Ordinal);
        var answer = caller.Messages.First(m => !m.Sent && m.StatusCode == 200 && m.Method == "INVITE");
        Assert.Equal("application/sdp", answer.Header("Content-Type"));
        Assert.Contains("a=rtpmap:111 opus/48000/2", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uas_401_accepts_the_right_digest_after_its_challenge()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var callee = await Sipp.StartUasAsync("uas-401.xml", "bob", timeout.Token);

        var caller = await SippRunner.RunAsync(
            new SippOptions { Scenario = "uac-call-auth.xml", Target = callee.EndPoint, Service = "bob", AuthUser = "alice", AuthPassword = "secret-a" },
            timeout.Token);
        var answered = await callee.WaitForExitAsync(timeout.Token);

        caller.AssertSucceeded();
        answered.AssertSucceeded();
        Assert.Equal(
            ">INVITE <401 INVITE >ACK >INVITE <100 INVITE <180 INVITE <200 INVITE >ACK >BYE <200 BYE",
            string.Join(" ", caller.Flow));
        var challenge = caller.Messages.First(m => m.StatusCode == 401).Header("WWW-Authenticate");
        Assert.StartsWith("Digest realm=\"voipkit.test\"", challenge, StringComparison.Ordinal);
        var authorization = caller.Messages.Last(m => m.Sent && m.Method == "INVITE").Header("Authorization");
        Assert.Contains("username=\"alice\"", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uas_401_rejects_a_wrong_password_with_403_and_fails()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var callee = await Sipp.StartUasAsync("uas-401.xml", "bob", timeout.Token);

        var caller = await SippRunner.RunAsync(
            new SippOptions { Scenario = "uac-call-auth.xml", Target = callee.EndPoint, Service = "bob", AuthUser = "alice", AuthPassword = "wrong" },
            timeout.Token);
        var answered = await callee.WaitForExitAsync(timeout.Token);

        Assert.False(caller.Succeeded, caller.Describe());
        Assert.False(answered.Succeeded, answered.Describe());
        Assert.Contains(answered.Messages, m => m.Sent && m.StatusCode == 403);
        Assert.DoesNotContain(answered.Messages, m => m.Sent && m.StatusCode == 200 && m.Method == "INVITE");
    }
}
