using FsCheck.Xunit;

namespace VoipKit.Transport.Tests;

public class StunMessageTypeTests
{
    [Theory]
    [InlineData(0x001, StunClass.Request, 0x0001)]
    [InlineData(0x001, StunClass.Indication, 0x0011)]
    [InlineData(0x001, StunClass.SuccessResponse, 0x0101)]
    [InlineData(0x001, StunClass.ErrorResponse, 0x0111)]
    [InlineData(0x003, StunClass.Request, 0x0003)] // TURN Allocate
    [InlineData(0x007, StunClass.Indication, 0x0017)] // TURN Data indication
    [InlineData(0x009, StunClass.SuccessResponse, 0x0109)] // TURN ChannelBind success
    public void Known_types_encode_as_in_the_rfcs(int method, StunClass cls, int wire)
    {
        var type = new StunMessageType((ushort)method, cls);
        Assert.Equal((ushort)wire, type.ToWireValue());
        Assert.True(StunMessageType.TryFromWireValue((ushort)wire, out var decoded));
        Assert.Equal(type, decoded);
    }

    [Property]
    public bool Every_method_and_class_round_trips(ushort method, byte cls)
    {
        var type = new StunMessageType((ushort)(method & 0xFFF), (StunClass)(cls & 3));
        return StunMessageType.TryFromWireValue(type.ToWireValue(), out var back) && back == type;
    }

    [Fact]
    public void Top_bits_set_is_not_stun()
    {
        Assert.False(StunMessageType.TryFromWireValue(0x8001, out _));
        Assert.Throws<InvalidOperationException>(() => new StunMessageType(0x1000, StunClass.Request).ToWireValue());
    }
}
