using System.Text;

namespace VoipKit.Signaling.Authentication;

/// <summary>
/// A user name and password for SIP digest authentication. The password never appears in <see cref="ToString"/>, so the
/// record can be logged.
/// </summary>
/// <param name="Username">The user name (the authentication user, which may differ from the user part of the AOR).</param>
/// <param name="Password">The password.</param>
/// <param name="Realm">The realm these credentials answer; null to answer any realm.</param>
public sealed record SipCredentials(string Username, string Password, string? Realm = null)
{
    /// <summary>Whether these credentials answer a challenge for the realm (exact, case-sensitive match).</summary>
    /// <param name="realm">The challenge's realm.</param>
    /// <returns>True when <see cref="Realm"/> is null or equal.</returns>
    public bool Matches(string realm) => Realm is null || string.Equals(Realm, realm, StringComparison.Ordinal);

    /// <summary>Writes the members for <see cref="ToString"/>, with the password hidden.</summary>
    /// <param name="builder">The destination.</param>
    /// <returns>True: members were written.</returns>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Username = ").Append(Username).Append(", Password = ***, Realm = ").Append(Realm ?? "(any)");
        return true;
    }
}
