namespace VoipKit;

/// <summary>
/// The allowed transitions between <see cref="CallState"/> values; a transition that is not
/// allowed is a bug in the caller and throws, so that no event reports an impossible state.
/// </summary>
internal sealed class CallStateMachine
{
    public CallStateMachine(CallState initial) => State = initial;

    public CallState State { get; private set; }

    public static bool IsAllowed(CallState from, CallState to) => (from, to) switch
    {
        (CallState.Calling, CallState.Ringing) => true,
        (CallState.Calling, CallState.Connecting) => true,
        (CallState.Ringing, CallState.Connecting) => true,
        (CallState.Connecting, CallState.Active) => true,
        (CallState.Active, CallState.Connecting) => true, // ICE restart after a path died
        (CallState.Ended, _) => false,
        (_, CallState.Ended) => true,
        _ => false,
    };

    /// <summary>Moves to <paramref name="next"/>; returns false when already there.</summary>
    public bool MoveTo(CallState next)
    {
        if (next == State)
        {
            return false;
        }

        if (!IsAllowed(State, next))
        {
            throw new InvalidOperationException($"A call cannot go from {State} to {next}.");
        }

        State = next;
        return true;
    }
}
