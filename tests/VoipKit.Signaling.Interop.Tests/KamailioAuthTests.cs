using VoipKit.Signaling.Interop.Tests.Infrastructure;

namespace VoipKit.Signaling.Interop.Tests;

/// <summary>
/// Harness self-tests of Kamailio with digest authentication (db_text subscriber table: alice /
/// secret-a, bob / secret-b, realm voipkit.test): 401 for REGISTER, 407 for INVITE.
/// </summary>
[Collection(RealPeersGroup.Name)]
[Trait("Category", "RealPeers")]
public sealed class KamailioAuthTests
{
    private static readonly KamailioOptions WithAuth = new() { WithAuth = true };

    [Fact]
    public async Task Register_is_challenged_401_then_accepted_with_the_right_password()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(WithAuth, timeout.Token);

        var register = await Sipp.RegisterAsync(kamailio.EndPoint, "bob", "sip:bob@127.0.0.1:9", "secret-b", timeout.Token);

        Assert.True(register.Succeeded, register.Describe() + "\n== kamailio:\n" + kamailio.Log);
        Assert.Equal(">REGISTER <401 REGISTER >REGISTER <200 REGISTER", string.Join(" ", register.Flow));
        var challenge = register.Messages.Single(m => m.StatusCode == 401).Header("WWW-Authenticate");
        Assert.StartsWith($"Digest realm=\"{KamailioServer.Realm}\"", challenge, StringComparison.Ordinal);
        Assert.Contains("username=\"bob\"", register.Messages[2].Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_with_a_wrong_password_is_challenged_again_and_never_accepted()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(WithAuth, timeout.Token);

        var register = await Sipp.RegisterAsync(kamailio.EndPoint, "bob", "sip:bob@127.0.0.1:9", "not-secret-b", timeout.Token);

        Assert.False(register.Succeeded, register.Describe());
        var answers = register.Messages.Where(m => !m.Sent && m.Method == "REGISTER" && m.StatusCode >= 200).ToList();
        Assert.True(answers.Count >= 2, register.Describe());
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { 401, 403 }));
        Assert.Contains("REGISTER auth failed", kamailio.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invite_without_credentials_gets_407()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(WithAuth, timeout.Token);

        var caller = await Sipp.CallAsync("uac-call-bye.xml", kamailio.EndPoint, "bob", timeout.Token);

        Assert.False(caller.Succeeded, caller.Describe());
        var challenge = caller.Messages.First(m => !m.Sent && m.Method == "INVITE" && m.StatusCode >= 200);
        Assert.Equal(407, challenge.StatusCode);
        Assert.StartsWith($"Digest realm=\"{KamailioServer.Realm}\"", challenge.Header("Proxy-Authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticated_call_to_a_registered_user_completes_and_bye_needs_no_credentials()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(WithAuth, timeout.Token);
        await using var bob = await Sipp.StartUasAsync("uas-answer-bye.xml", "bob", timeout.Token);
        (await Sipp.RegisterAsync(kamailio.EndPoint, "bob", bob.Uri, "secret-b", timeout.Token)).AssertSucceeded();

        var caller = await SippRunner.RunAsync(
            new SippOptions { Scenario = "uac-call-auth.xml", Target = kamailio.EndPoint, Service = "bob", AuthUser = "alice", AuthPassword = "secret-a" },
            timeout.Token);
        var callee = await bob.WaitForExitAsync(timeout.Token);

        Assert.True(caller.Succeeded, caller.Describe() + "\n== kamailio:\n" + kamailio.Log);
        Assert.True(callee.Succeeded, callee.Describe() + "\n== kamailio:\n" + kamailio.Log);
        Assert.Equal(
            ">INVITE <407 INVITE >ACK >INVITE <100 INVITE <180 INVITE <200 INVITE >ACK >BYE <200 BYE",
            string.Join(" ", caller.Flow));
        Assert.Null(caller.Messages.Single(m => m.Sent && m.Method == "BYE").Header("Proxy-Authorization"));
    }
}
