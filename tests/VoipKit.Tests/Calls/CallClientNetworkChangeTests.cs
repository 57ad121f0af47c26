using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Tests.Calls;

/// <summary>A network change (the machine's addresses changed) makes the client re-register at once.</summary>
public sealed class CallClientNetworkChangeTests
{
    [Fact]
    public async Task Address_change_refreshes_the_registration_at_once_and_stopping_unsubscribes()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice");
        var watch = new ManualAddressWatch();
        var network = new CallClientNetwork
        {
            MediaSocket = address => new UdpDatagramTransport(new IPEndPoint(address, 0)),
            WatchAddressChanges = watch.Subscribe,
        };
        await using var alice = new CallClient(bed.Options("alice"), bed.Directory, null, null, network);
        await alice.StartAsync();
        long before = bed.Server.Statistics.RegistrationsAccepted;

        watch.Change();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (bed.Server.Statistics.RegistrationsAccepted == before)
        {
            await Task.Delay(20, timeout.Token);
        }

        Assert.Equal(RegistrationState.Registered, alice.RegistrationState);
        await alice.StopAsync();
        Assert.Equal(0, watch.Subscribers);
    }

    private sealed class ManualAddressWatch
    {
        private readonly List<Action> _handlers = [];

        public int Subscribers
        {
            get
            {
                lock (_handlers)
                {
                    return _handlers.Count;
                }
            }
        }

        public IDisposable Subscribe(Action handler)
        {
            lock (_handlers)
            {
                _handlers.Add(handler);
            }

            return new Unsubscribe(this, handler);
        }

        public void Change()
        {
            Action[] handlers;
            lock (_handlers)
            {
                handlers = [.. _handlers];
            }

            foreach (Action h in handlers)
            {
                h();
            }
        }

        private sealed class Unsubscribe(ManualAddressWatch watch, Action handler) : IDisposable
        {
            public void Dispose()
            {
                lock (watch._handlers)
                {
                    watch._handlers.Remove(handler);
                }
            }
        }
    }
}
