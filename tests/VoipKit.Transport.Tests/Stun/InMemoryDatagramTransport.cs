using System.Net;
using System.Threading.Channels;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Stun;

/// <summary>A datagram transport in memory: sends are recorded with the (fake) time they left, receives are injected.</summary>
internal sealed class InMemoryDatagramTransport(TimeProvider time) : IDatagramTransport
{
    private readonly Channel<(byte[] Data, EndPoint From)> _inbound = Channel.CreateUnbounded<(byte[], EndPoint)>();
    private readonly Channel<Sent> _sent = Channel.CreateUnbounded<Sent>();

    public sealed record Sent(byte[] Data, EndPoint To, DateTimeOffset At);

    public EndPoint LocalEndPoint { get; } = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000);

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _sent.Writer.TryWrite(new Sent(datagram.ToArray(), remote, time.GetUtcNow()));
        return ValueTask.CompletedTask;
    }

    public async ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        (byte[] data, EndPoint from) = await _inbound.Reader.ReadAsync(cancellationToken);
        data.CopyTo(buffer);
        return new DatagramReceiveResult(data.Length, from);
    }

    public void Inject(byte[] datagram, EndPoint from) => _inbound.Writer.TryWrite((datagram, from));

    /// <summary>The next datagram sent, waiting up to 5 s of real time.</summary>
    public async Task<Sent> NextSentAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await _sent.Reader.ReadAsync(timeout.Token);
    }

    public bool TryTakeSent(out Sent? sent) => _sent.Reader.TryRead(out sent);
}
