using System.Net;
using System.Threading.Channels;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>Two agents on real UDP sockets over 127.0.0.1 and ::1, in real time.</summary>
public sealed class IceLoopbackTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Two_agents_on_loopback_connect_and_exchange_data_both_ways(string loopback)
    {
        using var socketA = new UdpDatagramTransport(new IPEndPoint(IPAddress.Parse(loopback), 0));
        using var socketB = new UdpDatagramTransport(new IPEndPoint(IPAddress.Parse(loopback), 0));
        await using var a = new IceAgent(IceRole.Controlling, [socketA]);
        await using var b = new IceAgent(IceRole.Controlled, [socketB]);
        var receivedByA = Channel.CreateUnbounded<byte[]>();
        var receivedByB = Channel.CreateUnbounded<byte[]>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completedB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnA(object? sender, IceConnectionState s)
        {
            if (s == IceConnectionState.Completed)
            {
                completed.TrySetResult();
            }
        }

        void OnB(object? sender, IceConnectionState s)
        {
            if (s == IceConnectionState.Completed)
            {
                completedB.TrySetResult();
            }
        }

        a.StateChanged += OnA;
        b.StateChanged += OnB;
        a.DataReceived = d => receivedByA.Writer.TryWrite(d.ToArray());
        b.DataReceived = d => receivedByB.Writer.TryWrite(d.ToArray());
        try
        {
            IReadOnlyList<IceCandidate> candidatesA = await a.GatherAsync();
            IReadOnlyList<IceCandidate> candidatesB = await b.GatherAsync();
            a.SetRemoteCredentials(b.LocalCredentials);
            b.SetRemoteCredentials(a.LocalCredentials);
            foreach (IceCandidate c in candidatesB)
            {
                a.AddRemoteCandidate(IceCandidate.Parse(c.ToString()));
            }

            foreach (IceCandidate c in candidatesA)
            {
                b.AddRemoteCandidate(IceCandidate.Parse(c.ToString()));
            }

            var started = System.Diagnostics.Stopwatch.StartNew();
            a.Start();
            b.Start();
            await Task.WhenAll(completed.Task, completedB.Task).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.InRange(started.ElapsedMilliseconds, 0, 5000);
            Assert.Equal(socketB.LocalEndPoint, a.SelectedPair!.Remote.EndPoint);
            Assert.Equal(socketA.LocalEndPoint, b.SelectedPair!.Remote.EndPoint);

            byte[] rtp = [0x80, 0x6F, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
            for (int i = 0; i < 20; i++)
            {
                rtp[3] = (byte)i;
                Assert.True(await a.SendAsync(rtp));
                Assert.True(await b.SendAsync(rtp));
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            for (int i = 0; i < 20; i++)
            {
                // Loopback does not lose or reorder in practice.
                Assert.Equal(i, (await receivedByB.Reader.ReadAsync(timeout.Token))[3]);
                Assert.Equal(i, (await receivedByA.Reader.ReadAsync(timeout.Token))[3]);
            }
        }
        finally
        {
            a.StateChanged -= OnA;
            b.StateChanged -= OnB;
            a.DataReceived = null;
            b.DataReceived = null;
        }
    }
}
