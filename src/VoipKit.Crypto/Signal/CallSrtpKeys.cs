namespace VoipKit.Crypto.Signal;

/// <summary>Per-direction SRTP keys of one call. The caller protects with <see cref="CallerToCallee"/> and the callee with <see cref="CalleeToCaller"/>.</summary>
public sealed class CallSrtpKeys : IDisposable
{
    internal CallSrtpKeys(SrtpProtectionProfile profile, CallDirectionKeys callerToCallee, CallDirectionKeys calleeToCaller)
    {
        Profile = profile;
        CallerToCallee = callerToCallee;
        CalleeToCaller = calleeToCaller;
    }

    /// <summary>The SRTP profile the sizes were chosen for.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>Keys for media sent by the caller.</summary>
    public CallDirectionKeys CallerToCallee { get; }

    /// <summary>Keys for media sent by the callee.</summary>
    public CallDirectionKeys CalleeToCaller { get; }

    /// <summary>Wipes both directions.</summary>
    public void Dispose()
    {
        CallerToCallee.Dispose();
        CalleeToCaller.Dispose();
    }
}
