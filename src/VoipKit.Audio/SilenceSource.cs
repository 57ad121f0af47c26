namespace VoipKit.Audio;

/// <summary>Digital silence (all samples zero).</summary>
/// <param name="duration">How long it lasts; endless when <see langword="null"/>.</param>
public sealed class SilenceSource(TimeSpan? duration = null) : SignalSource(duration)
{
    /// <inheritdoc />
    protected override void Generate(Span<short> destination, long position) => destination.Clear();
}
