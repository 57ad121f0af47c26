namespace VoipKit.Crypto.Tests.Signal;

internal static class Hex
{
    public static byte[] B(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string S(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
