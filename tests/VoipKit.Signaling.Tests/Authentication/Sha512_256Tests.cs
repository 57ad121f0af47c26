using System.Text;
using VoipKit.Signaling.Authentication;

namespace VoipKit.Signaling.Tests.Authentication;

public class Sha512_256Tests
{
    // FIPS 180-4 / NIST CSRC "SHA512_256.pdf" example values.
    [Theory]
    [InlineData("abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23")]
    [InlineData("", "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a")]
    public void Nist_vectors(string message, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha512_256.HashData(Encoding.ASCII.GetBytes(message))));

    // Lengths around the padding boundaries (111/112 bytes: one or two final blocks). Expected values from
    // `head -c N /dev/zero | tr '\0' a | openssl dgst -sha512-256` (OpenSSL 3).
    [Theory]
    [InlineData(111, "0239e429f98d0ed61ee8e2a7c30afe98c1c3a80ce5dff62a107e9c538f7632ce")]
    [InlineData(112, "9216b5303edb66504570bee90e48ea5beaa5e9fe9f760bbd3e0460559fc005f6")]
    [InlineData(127, "2fe3b2a6ee7e12f6fe4ba82166541ad9b4ed882c493581cbe300d68f3757b778")]
    [InlineData(128, "b88f97e274f9c1d49f181c8cbd01a9c74930ad055a46ac4499a1d601f1c80bf2")]
    [InlineData(239, "78d0a1b37aaad84c89fff13cbe3cd3d1025bcdb648268f9102b7e7032bea7d2a")]
    [InlineData(240, "d48a4d53397b38ab4e771d781c98ac6b86712dff2a664cfd1f27c7ca40f8ce37")]
    [InlineData(1000, "40eb4a70d4d69815407a9e272f0101cd67e3d11262a4a0bfc087712749c7fb53")]
    public void Padding_boundaries_match_openssl(int length, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha512_256.HashData(Encoding.ASCII.GetBytes(new string('a', length)))));
}
