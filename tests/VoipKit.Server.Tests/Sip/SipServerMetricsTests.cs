using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;
using static VoipKit.Server.Tests.Sip.SipServerFixture;

namespace VoipKit.Server.Tests.Sip;

/// <summary>The server's instruments on the <see cref="SipServer.MeterName"/> meter.</summary>
public sealed class SipServerMetricsTests
{
    [Fact]
    public async Task Registrations_forwarded_requests_and_bindings_are_published()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = timeout.Token;
        await using SipServer server = await StartServerAsync(ct);
        var seen = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        // Other tests run servers at the same time on the same meter name: the meter's scope tells this server's apart.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SipServer.MeterName && ReferenceEquals(instrument.Meter.Scope, server))
            {
                l.EnableMeasurementEvents(instrument, server);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => seen.AddOrUpdate(instrument.Name, value, (_, n) => n + value));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => seen[instrument.Name] = value);
        listener.Start();
        await using SipUserAgent alice = await StartAgentAsync(server, "alice", SipTransportProtocol.Tcp, ct);
        await using SipUserAgent bob = await StartAgentAsync(server, "bob", SipTransportProtocol.Tcp, ct);
        bob.IncomingCall = (call, _) =>
        {
            call.Reject(486);
            return ValueTask.CompletedTask;
        };
        await RegisterAsync(alice, ct);
        await RegisterAsync(bob, ct);

        Assert.Equal(486, (await alice.InviteAsync(Aor("bob"), SipBody.Sdp("v=0\r\n"), cancellationToken: ct)).StatusCode);
        // The server counts a forwarded message once its send returned, which can be after Alice already has it.
        for (int i = 0; i < 200 && (seen.GetValueOrDefault("voipkit.server.sip.forwarded_requests") < 1 || seen.GetValueOrDefault("voipkit.server.sip.forwarded_responses") < 1); i++)
        {
            await Task.Delay(10, ct);
        }

        listener.RecordObservableInstruments();

        Assert.Equal(4, seen.GetValueOrDefault("voipkit.server.sip.registrations")); // two 401s, two 200s
        Assert.True(seen.GetValueOrDefault("voipkit.server.sip.forwarded_requests") >= 1); // the INVITE (the ACK of the 486 may follow)
        Assert.True(seen.GetValueOrDefault("voipkit.server.sip.forwarded_responses") >= 1);
        Assert.Equal(2, seen.GetValueOrDefault("voipkit.server.sip.bindings"));
        Assert.Equal(1, server.Statistics.ForwardedRequests(SipMethods.Invite));
    }
}
