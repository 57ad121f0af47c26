// Runs against the packed VoipKit packages from an app outside the solution (.ci/package-check.sh).
using VoipKit;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Server;
using VoipKit.Signaling;
using VoipKit.Transport;

Console.WriteLine($"frame: {AudioFormat.SamplesPerFrame} samples at {AudioFormat.SampleRate} Hz");
Console.WriteLine($"srtp: {SrtpProtectionProfile.AeadAes128Gcm.SdesName()} key {SrtpProtectionProfile.AeadAes128Gcm.MasterKeyLength()} bytes");
Console.WriteLine($"stun: binding success 0x{StunMessageType.BindingSuccess.ToWireValue():X4}");
Console.WriteLine($"sip: 486 {SipReasonPhrases.Get(486)}");
Console.WriteLine($"relay ports: {RelayPortRange.Default.Count}");
Console.WriteLine($"security levels: {string.Join(", ", Enum.GetNames<CallSecurity>())}");
