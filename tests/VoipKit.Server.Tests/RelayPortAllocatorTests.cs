namespace VoipKit.Server.Tests;

public class RelayPortAllocatorTests
{
    [Fact]
    public void Allocates_every_port_once_then_reports_exhaustion()
    {
        var a = new RelayPortAllocator(new RelayPortRange(50000, 50003));
        var ports = new List<int>();
        while (a.TryAllocate(out int p))
        {
            ports.Add(p);
        }

        Assert.Equal([50000, 50001, 50002, 50003], ports);
        Assert.Equal(4, a.InUse);
    }

    [Fact]
    public void Released_port_goes_to_the_back_of_the_queue()
    {
        var a = new RelayPortAllocator(new RelayPortRange(50000, 50002));
        Assert.True(a.TryAllocate(out int first));
        a.Release(first);
        Assert.True(a.TryAllocate(out int second));
        Assert.NotEqual(first, second);
        Assert.Throws<InvalidOperationException>(() => a.Release(first));
    }

    [Fact]
    public void Invalid_ranges_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelayPortRange(80, 90));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelayPortRange(6000, 5000));
        Assert.Equal(16384, RelayPortRange.Default.Count);
    }
}
