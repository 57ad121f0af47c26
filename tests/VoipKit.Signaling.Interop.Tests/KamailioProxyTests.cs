using VoipKit.Signaling.Interop.Tests.Infrastructure;

namespace VoipKit.Signaling.Interop.Tests;

/// <summary>
/// Harness self-tests through Kamailio without authentication: a sipp UAS registers as bob
/// (by a separate sipp REGISTER naming its Contact), a sipp UAC calls bob at the proxy, and the
/// in-dialog requests follow the Record-Route set. One fresh Kamailio per test, so no stale contact.
/// </summary>
[Collection(RealPeersGroup.Name)]
[Trait("Category", "RealPeers")]
public sealed class KamailioProxyTests
{
    [Fact]
    public async Task Call_through_the_proxy_routes_ack_and_bye_by_record_route()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(null, timeout.Token);
        await using var bob = await Sipp.StartUasAsync("uas-answer-bye.xml", "bob", timeout.Token);
        (await Sipp.RegisterAsync(kamailio.EndPoint, "bob", bob.Uri, password: null, timeout.Token)).AssertSucceeded();

        var caller = await Sipp.CallAsync("uac-call-bye.xml", kamailio.EndPoint, "bob", timeout.Token);
        var callee = await bob.WaitForExitAsync(timeout.Token);
        Assert.True(caller.Succeeded, caller.Describe() + "\n== kamailio:\n" + kamailio.Log);
        Assert.True(callee.Succeeded, callee.Describe() + "\n== kamailio:\n" + kamailio.Log);

        // The proxy record-routed the dialog with its own address and port.
        var recordRoute = $"<sip:127.0.0.1:{kamailio.Port};lr";
        var ok = caller.Messages.First(m => !m.Sent && m.StatusCode == 200 && m.Method == "INVITE");
        Assert.StartsWith(recordRoute, ok.Header("Record-Route"), StringComparison.Ordinal);

        // The caller sent ACK and BYE to bob's Contact with the proxy as Route ...
        foreach (var method in new[] { "ACK", "BYE" })
        {
            var sent = caller.Messages.Single(m => m.Sent && m.Method == method);
            Assert.StartsWith($"{method} {bob.Uri}", sent.StartLine, StringComparison.Ordinal);
            Assert.StartsWith(recordRoute, sent.Header("Route"), StringComparison.Ordinal);
        }

        // ... and bob got them from the proxy: its Via on top, the caller's below.
        foreach (var method in new[] { "ACK", "BYE" })
        {
            var received = callee.Messages.Single(m => !m.Sent && m.Method == method);
            var vias = received.Headers("Via");
            Assert.True(vias.Count == 2, $"{method} at bob should carry the proxy's and the caller's Via:\n{received}");
            Assert.StartsWith($"SIP/2.0/UDP 127.0.0.1:{kamailio.Port};", vias[0], StringComparison.Ordinal);
        }

        Assert.Contains("in-dialog BYE via loose_route", kamailio.Log, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> ProxiedPairs => new()
    {
        { "uac-callee-bye.xml", "uas-answer-then-bye.xml" },
        { "uac-cancel.xml", "uas-cancel.xml" },
        { "uac-reinvite.xml", "uas-reinvite.xml" },
        { "uac-busy.xml", "uas-busy.xml" },
    };

    [Theory]
    [MemberData(nameof(ProxiedPairs))]
    public async Task Scenario_pair_completes_through_the_proxy(string uac, string uas)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(null, timeout.Token);
        await using var bob = await Sipp.StartUasAsync(uas, "bob", timeout.Token);
        (await Sipp.RegisterAsync(kamailio.EndPoint, "bob", bob.Uri, password: null, timeout.Token)).AssertSucceeded();

        var caller = await Sipp.CallAsync(uac, kamailio.EndPoint, "bob", timeout.Token);
        var callee = await bob.WaitForExitAsync(timeout.Token);

        Assert.True(caller.Succeeded, caller.Describe() + "\n== callee:\n" + callee.Describe() + "\n== kamailio:\n" + kamailio.Log);
        Assert.True(callee.Succeeded, callee.Describe() + "\n== kamailio:\n" + kamailio.Log);
    }

    [Fact]
    public async Task Call_over_tcp_through_the_proxy_completes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(null, timeout.Token);
        await using var bob = await SippRunner.StartAsync(new SippOptions { Scenario = "uas-answer-bye.xml", Service = "bob", Tcp = true }, timeout.Token);
        (await Sipp.RegisterAsync(kamailio.EndPoint, "bob", bob.Uri + ";transport=tcp", password: null, timeout.Token)).AssertSucceeded();

        var caller = await SippRunner.RunAsync(
            new SippOptions { Scenario = "uac-call-bye.xml", Target = kamailio.EndPoint, Service = "bob", Tcp = true }, timeout.Token);
        var callee = await bob.WaitForExitAsync(timeout.Token);

        Assert.True(caller.Succeeded, caller.Describe() + "\n== kamailio:\n" + kamailio.Log);
        Assert.True(callee.Succeeded, callee.Describe() + "\n== kamailio:\n" + kamailio.Log);
        Assert.All(callee.Messages.Where(m => !m.Sent), m => Assert.StartsWith($"SIP/2.0/TCP 127.0.0.1:{kamailio.Port};", m.Header("Via"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Call_to_an_unregistered_user_gets_404()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(null, timeout.Token);

        var caller = await Sipp.CallAsync("uac-call-bye.xml", kamailio.EndPoint, "carol", timeout.Token);

        Assert.False(caller.Succeeded, caller.Describe());
        Assert.Equal(404, caller.Messages.First(m => !m.Sent && m.StatusCode >= 200).StatusCode);
        Assert.Contains("vk: carol not registered", kamailio.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unregistering_removes_the_binding()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(null, timeout.Token);
        var contact = "sip:bob@127.0.0.1:9"; // never called: only the binding matters here

        (await Sipp.RegisterAsync(kamailio.EndPoint, "bob", contact, password: null, timeout.Token)).AssertSucceeded();
        var removed = (await Sipp.RegisterAsync(kamailio.EndPoint, "bob", contact, password: null, timeout.Token, expires: 0)).AssertSucceeded();

        var ok = removed.Messages.Single(m => !m.Sent && m.StatusCode == 200);
        Assert.Empty(ok.Headers("Contact"));
    }
}
