namespace VoipKit.Tests;

public class CallStateMachineTests
{
    [Fact]
    public void Outgoing_call_goes_through_its_states()
    {
        var m = new CallStateMachine(CallState.Calling);
        Assert.True(m.MoveTo(CallState.Ringing));
        Assert.True(m.MoveTo(CallState.Connecting));
        Assert.True(m.MoveTo(CallState.Active));
        Assert.False(m.MoveTo(CallState.Active));
        Assert.True(m.MoveTo(CallState.Ended));
    }

    [Fact]
    public void Ended_is_final()
    {
        var m = new CallStateMachine(CallState.Ringing);
        m.MoveTo(CallState.Ended);
        Assert.Throws<InvalidOperationException>(() => m.MoveTo(CallState.Active));
    }

    [Fact]
    public void Ringing_cannot_jump_to_active()
    {
        var m = new CallStateMachine(CallState.Ringing);
        Assert.Throws<InvalidOperationException>(() => m.MoveTo(CallState.Active));
        Assert.Equal(CallState.Ringing, m.State);
    }
}
