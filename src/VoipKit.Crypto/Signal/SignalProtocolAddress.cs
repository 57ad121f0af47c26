namespace VoipKit.Crypto.Signal;

/// <summary>A remote party's device: a stable user name (for example a phone number or account id) and a device id.</summary>
/// <param name="Name">The stable identifier of the user.</param>
/// <param name="DeviceId">The device of that user.</param>
public sealed record SignalProtocolAddress(string Name, uint DeviceId)
{
    /// <summary>Returns <c>name.deviceId</c>.</summary>
    /// <returns>The address as text.</returns>
    public override string ToString() => $"{Name}.{DeviceId}";
}
