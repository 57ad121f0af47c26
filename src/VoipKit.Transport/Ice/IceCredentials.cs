using System.Buffers;
using System.Security.Cryptography;

namespace VoipKit.Transport.Ice;

/// <summary>An agent's username fragment and password (RFC 8445 section 5.3, RFC 8839 <c>ice-ufrag</c>/<c>ice-pwd</c>).</summary>
/// <param name="Ufrag">The username fragment: 4–256 ice-chars.</param>
/// <param name="Password">The password: 22–256 ice-chars.</param>
internal sealed record IceCredentials(string Ufrag, string Password)
{
    /// <summary>The characters RFC 8839 allows (ice-char: ALPHA / DIGIT / "+" / "/").</summary>
    public const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary><see cref="IceChars"/> for searching.</summary>
    public static readonly SearchValues<char> IceCharValues = SearchValues.Create(IceChars);

    /// <summary>Length of a generated ufrag: 8 chars, 48 bits.</summary>
    public const int GeneratedUfragLength = 8;

    /// <summary>Length of a generated password: 24 chars, 144 bits (RFC 8445 asks for at least 128).</summary>
    public const int GeneratedPasswordLength = 24;

    /// <summary>Fresh random credentials from <see cref="RandomNumberGenerator"/>.</summary>
    public static IceCredentials Generate() => new(
        RandomNumberGenerator.GetString(IceChars, GeneratedUfragLength),
        RandomNumberGenerator.GetString(IceChars, GeneratedPasswordLength));

    /// <summary>Whether <paramref name="value"/> is only ice-chars and of a length within the bounds.</summary>
    public static bool IsValid(string value, int minLength, int maxLength = 256) =>
        value is not null && value.Length >= minLength && value.Length <= maxLength && value.AsSpan().IndexOfAnyExcept(IceCharValues) < 0;

    /// <summary>Whether both parts are well formed (ufrag ≥ 4, password ≥ 22 ice-chars).</summary>
    public bool IsWellFormed => IsValid(Ufrag, 4) && IsValid(Password, 22);

    /// <summary>The password is a secret: never printed.</summary>
    public override string ToString() => $"IceCredentials {{ Ufrag = {Ufrag} }}";
}
