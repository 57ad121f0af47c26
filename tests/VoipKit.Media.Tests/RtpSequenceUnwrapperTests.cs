using FsCheck;
using FsCheck.Xunit;

namespace VoipKit.Media.Tests;

public class RtpSequenceUnwrapperTests
{
    [Fact]
    public void Wrap_with_reordering_keeps_order()
    {
        var u = new RtpSequenceUnwrapper();
        Assert.Equal(65534, u.Unwrap(65534));
        Assert.Equal(65536, u.Unwrap(0));       // wrapped, arrived early
        Assert.Equal(65535, u.Unwrap(65535));   // late packet from before the wrap
        Assert.Equal(65537, u.Unwrap(1));
        Assert.Equal(65537, u.Highest);
    }

    [Property]
    public bool In_order_stream_of_any_length_is_monotonic(ushort start, PositiveInt count)
    {
        var u = new RtpSequenceUnwrapper();
        long previous = u.Unwrap(start);
        for (int i = 1; i < Math.Min(count.Get, 200_000); i++)
        {
            long next = u.Unwrap(unchecked((ushort)(start + i)));
            if (next != previous + 1)
            {
                return false;
            }

            previous = next;
        }

        return true;
    }
}
