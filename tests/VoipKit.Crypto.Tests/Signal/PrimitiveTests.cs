using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;
using VoipKit.Crypto.Signal;
using static VoipKit.Crypto.Tests.Signal.Hex;

namespace VoipKit.Crypto.Tests.Signal;

public class PrimitiveTests
{
    [Fact]
    public void Hkdf_matches_rfc5869_test_case_1()
    {
        byte[] okm = new byte[42];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, B("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), okm, B("000102030405060708090a0b0c"), B("f0f1f2f3f4f5f6f7f8f9"));
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", S(okm));
    }

    [Fact]
    public void Hkdf_matches_rfc5869_test_case_3_without_salt_and_info()
    {
        byte[] okm = new byte[42];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, B("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), okm, [], []);
        Assert.Equal("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", S(okm));
    }

    [Fact]
    public void X25519_matches_rfc7748_section_5_2()
    {
        byte[] output = new byte[32];
        X25519.ScalarMult(B("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"), B("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"), output);
        Assert.Equal("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", S(output));
    }

    [Fact]
    public void X25519_matches_rfc7748_section_6_1()
    {
        SignalKeyPair alice = SignalKeyPair.FromPrivateKey(B("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        SignalKeyPair bob = SignalKeyPair.FromPrivateKey(B("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", S(alice.PublicKey.U));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", S(bob.PublicKey.U));
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        alice.Agreement(bob.PublicKey, k1);
        bob.Agreement(alice.PublicKey, k2);
        Assert.Equal("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", S(k1));
        Assert.Equal(S(k1), S(k2));
    }

    [Fact]
    public void Agreement_matches_libsignal_vector()
    {
        // libsignal-protocol-c tests/test_curve25519.c, test_curve25519_agreement.
        SignalKeyPair alice = SignalKeyPair.FromPrivateKey(B("c806439dc9d2c476ffed8f2580c0888d58ab406bf7ae3698879021b96bb4bf59"));
        SignalKeyPair bob = SignalKeyPair.FromPrivateKey(B("b03b34c33a1c44f225b662d2bf4859b8135411fa7b0386d45fb75dc5b91b4466"));
        Assert.Equal("051bb75966f2e93a3691dfff942bb2a466a1c08b8d78ca3f4d6df8b8bfa2e4ee28", alice.PublicKey.ToString());
        Assert.Equal("0565361499 3d2b15ee9e5fd3d86ce719ef4ec1daae1886a87b3f5fa9565a27a22f".Replace(" ", string.Empty, StringComparison.Ordinal), bob.PublicKey.ToString());
        byte[] shared = new byte[32];
        alice.Agreement(bob.PublicKey, shared);
        Assert.Equal("325f239328941ced6e673b86ba41017448e99b649a9c3806c1dd7ca4c477e629", S(shared));
    }

    public static TheoryData<string> LowOrderPoints => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void Agreement_with_low_order_point_is_rejected(string u)
    {
        using SignalKeyPair pair = SignalKeyPair.Generate();
        byte[] shared = new byte[32];
        Assert.Throws<InvalidKeyException>(() => pair.Agreement(SignalPublicKey.FromU(B(u)), shared));
    }

    [Fact]
    public void XEdDsa_verifies_libsignal_signature_vector_and_rejects_every_bit_flip()
    {
        // libsignal-protocol-c tests/test_curve25519.c, test_curve25519_signature.
        SignalPublicKey identity = SignalPublicKey.Parse(B("05ab7e717d4a163b7d9a1d8071dfe9dcf8cdcd1cea3339b6356be84d887e322c64"));
        byte[] message = B("05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a");
        byte[] signature = B("5de88ca9a89b4a115da79109c67c9c7464a3e4180274f1cb8c63c2984e286dfbede82deb9dcd9fae0bfbb821569b3d9001bd8130cd11d486cef047bd60b86e88");
        Assert.True(identity.VerifySignature(message, signature));
        for (int i = 0; i < signature.Length; i++)
        {
            byte[] modified = (byte[])signature.Clone();
            modified[i] ^= 0x01;
            Assert.False(identity.VerifySignature(message, modified), $"byte {i}");
        }

        // The private key of that vector produces the same public key.
        using SignalKeyPair pair = SignalKeyPair.FromPrivateKey(B("c097248412e58bf05df487968205132794178e367637f5818f81e0e6ce73e865"));
        Assert.Equal(identity, pair.PublicKey);
    }

    [Fact]
    public void XEdDsa_sign_then_verify_for_many_keys_and_both_sign_bits()
    {
        bool sawSignBitSet = false;
        bool sawSignBitClear = false;
        for (int i = 0; i < 24; i++)
        {
            using SignalKeyPair pair = SignalKeyPair.Generate();
            byte[] message = RandomNumberGenerator.GetBytes(i * 7);
            byte[] signature = pair.Sign(message);
            Assert.Equal(64, signature.Length);
            Assert.True(pair.PublicKey.VerifySignature(message, signature));
            if ((signature[63] & 0x80) != 0)
            {
                sawSignBitSet = true;
            }
            else
            {
                sawSignBitClear = true;
            }

            byte[] other = (byte[])message.Clone();
            if (other.Length > 0)
            {
                other[0] ^= 1;
                Assert.False(pair.PublicKey.VerifySignature(other, signature));
            }

            using SignalKeyPair stranger = SignalKeyPair.Generate();
            Assert.False(stranger.PublicKey.VerifySignature(message, signature));
        }

        Assert.True(sawSignBitSet && sawSignBitClear);
    }

    [Fact]
    public void XEdDsa_with_fixed_randomness_is_deterministic()
    {
        byte[] privateKey = B("c097248412e58bf05df487968205132794178e367637f5818f81e0e6ce73e865");
        byte[] random = new byte[64];
        byte[] a = XEdDsa.Sign(privateKey, "hello"u8, random);
        byte[] b = XEdDsa.Sign(privateKey, "hello"u8, random);
        Assert.Equal(a, b);
    }

    /// <summary>
    /// Signatures with explicit randomness, computed by an independent big-integer model of the
    /// libsignal XEdDSA variant (Python); they pin the output bytes across rewrites of the signer.
    /// </summary>
    [Theory]
    [InlineData("c097248412e58bf05df487968205132794178e367637f5818f81e0e6ce73e865", "68656c6c6f", "00", "113f80a987a15a32ac617a84a74e8e43463142b9a23715a462fe4c67f1b606e6337f96a5cf8d92e85c86e7c18beddef720773a922c63ad4ec0ed8661fdac288f")]
    [InlineData("c097248412e58bf05df487968205132794178e367637f5818f81e0e6ce73e865", "05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a", "count0", "f9c27b36edb54973736f587dd0e8d75c2afe54a8218d4b5cc5afbedfd2a4a2ddf52f686c104e4a49f9f482e1bd559d6f33f8510423129821c4701fea427cf584")]
    [InlineData("481111111111111111111111111111111111111111111111111111111111117f", "", "ff", "683a5061bddcf52b24efa2055bff0b18aa7bec06f50729d51812332f814e960ef135fb6922d72989fd5c28a3b30cea49b8c4822cad703033333aa32198835181")]
    [InlineData("f8ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "566f69704b6974207369676e6564207072656b6579", "count100", "b12ed365283d087721b2f4535a0690c08e4c03eb759e1e85eee8fc8446f96db2a178a2749c4c36f0869fc443535c827b942e0fa0555d13476f4beed793ef668c")]
    public void XEdDsa_with_fixed_randomness_gives_the_pinned_signature(string privateKey, string message, string randomness, string expected)
    {
        byte[] random = randomness.StartsWith("count", StringComparison.Ordinal)
            ? Enumerable.Range(int.Parse(randomness.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture), 64).Select(i => (byte)i).ToArray()
            : Enumerable.Repeat(B(randomness)[0], 64).ToArray();
        byte[] signature = XEdDsa.Sign(B(privateKey), B(message), random);
        Assert.Equal(expected, S(signature));
        using SignalKeyPair pair = SignalKeyPair.FromPrivateKey(B(privateKey));
        Assert.True(pair.PublicKey.VerifySignature(B(message), signature));
    }

    /// <summary>
    /// The signer equals a plain BigInteger model of libsignal's XEdDSA (the arithmetic the
    /// signer used before it was made constant time) for random keys, messages and randomness.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 60)]
    public bool XEdDsa_matches_a_BigInteger_model(ulong seed, byte messageLength)
    {
        var l = System.Numerics.BigInteger.Pow(2, 252) + System.Numerics.BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
        byte[] material = SHA512.HashData(BitConverter.GetBytes(seed));
        byte[] privateKey = material[..32];
        Curve25519.Clamp(privateKey);
        byte[] random = SHA512.HashData(material);
        byte[] message = new byte[messageLength];
        material.AsSpan(0, Math.Min(64, (int)messageLength)).CopyTo(message);

        System.Numerics.BigInteger Big(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: false);
        byte[] publicKey = new byte[32];
        XEdDsa.MultiplyBaseReference(Big(privateKey), publicKey);
        System.Numerics.BigInteger r = Big(SHA512.HashData([0xFE, .. Enumerable.Repeat((byte)0xFF, 31), .. privateKey, .. message, .. random])) % l;
        byte[] expected = new byte[64];
        XEdDsa.MultiplyBaseReference(r, expected);
        System.Numerics.BigInteger h = Big(SHA512.HashData([.. expected.AsSpan(0, 32), .. publicKey, .. message])) % l;
        ((r + (h * Big(privateKey))) % l).TryWriteBytes(expected.AsSpan(32), out _, isUnsigned: true, isBigEndian: false);
        expected[63] |= (byte)(publicKey[31] & 0x80);
        return S(XEdDsa.Sign(privateKey, message, random)) == S(expected);
    }

    [Fact]
    public void Constant_time_base_multiplication_matches_the_reference()
    {
        var l = System.Numerics.BigInteger.Pow(2, 252) + System.Numerics.BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
        // l - 8 and 8(2^252 - 1) mod l give t = k/8 >= 2^252 - 1 (top of the split range).
        var scalars = new List<System.Numerics.BigInteger> { 0, 1, 2, 7, 8, l - 1, l - 8, System.Numerics.BigInteger.Pow(2, 251), System.Numerics.BigInteger.Pow(2, 252) - 1, 8 * (System.Numerics.BigInteger.Pow(2, 252) - 1) % l, 8 * (System.Numerics.BigInteger.Pow(2, 252) - 2) % l };
        for (int i = 0; i < 40; i++)
        {
            scalars.Add(new System.Numerics.BigInteger(RandomNumberGenerator.GetBytes(64), isUnsigned: true) % l);
        }

        byte[] fast = new byte[32];
        byte[] reference = new byte[32];
        foreach (System.Numerics.BigInteger k in scalars)
        {
            byte[] kBytes = new byte[32];
            Assert.True(k.TryWriteBytes(kBytes, out _, isUnsigned: true, isBigEndian: false));
            XEdDsa.MultiplyBase(kBytes, fast);
            XEdDsa.MultiplyBaseReference(k, reference);
            Assert.Equal(S(reference), S(fast));
        }
    }

    [Fact]
    public void XEdDsa_rejects_wrong_lengths()
    {
        using SignalKeyPair pair = SignalKeyPair.Generate();
        byte[] signature = pair.Sign("m"u8);
        Assert.False(pair.PublicKey.VerifySignature("m"u8, signature.AsSpan(0, 63)));
        Assert.False(XEdDsa.Verify(new byte[31], "m"u8, signature));
    }

    [Theory]
    [InlineData("")]
    [InlineData("05")]
    [InlineData("0500000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("050000000000000000000000000000000000000000000000000000000000000000ff")]
    [InlineData("060000000000000000000000000000000000000000000000000000000000000009")]
    [InlineData("050900000000000000000000000000000000000000000000000000000000000080")] // top bit set
    [InlineData("05edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // p
    [InlineData("05ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // 2^255 - 1
    public void Public_key_parse_rejects_wrong_length_or_type(string hex)
    {
        Assert.Throws<InvalidKeyException>(() => SignalPublicKey.Parse(B(hex)));
    }

    [Fact]
    public void Private_key_import_clamps_and_rejects_wrong_length()
    {
        Assert.Throws<InvalidKeyException>(() => SignalKeyPair.FromPrivateKey(new byte[31]));
        byte[] raw = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        using SignalKeyPair pair = SignalKeyPair.FromPrivateKey(raw);
        byte[] exported = pair.ExportPrivateKey();
        Assert.Equal(0xF8, exported[0]);
        Assert.Equal(0x7F, exported[31]);
    }

    [Fact]
    public void Chain_key_derivation_matches_libsignal_v3_vector()
    {
        // libsignal-protocol-c tests/test_ratchet.c, test_chain_key_derivation_v3.
        byte[] chainKey = B("8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f");
        byte[] seed = new byte[32];
        byte[] keys = new byte[80];
        byte[] next = new byte[32];
        SignalKdf.MessageKeySeed(chainKey, seed);
        SignalKdf.MessageKeys(seed, keys);
        SignalKdf.NextChainKey(chainKey, next);
        Assert.Equal("bf51e9d75e0e31031051f82a2491ffc084fa298b7793bd9db620056febf45217", S(keys.AsSpan(0, 32)));
        Assert.Equal("c6c77d6a73a354337a56435e34607dfe48e3ace14e77314dc6abc172e7a7030b", S(keys.AsSpan(32, 32)));
        Assert.Equal("28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d", S(next));
    }

    [Fact]
    public void X3dh_bob_side_matches_libsignal_ratcheting_session_vector()
    {
        // libsignal-protocol-c tests/test_ratchet.c, test_ratcheting_session_as_bob (no one-time prekey):
        // Bob's first sending chain key is the X3DH chain key.
        using SignalKeyPair bobIdentity = SignalKeyPair.FromPrivateKey(B("4875cc69ddf8ea0719ec947d61081135868d5fd801f02c0225e516df2156605e"));
        using SignalKeyPair bobSignedPreKey = SignalKeyPair.FromPrivateKey(B("583900131fb727998b7803fe6ac22cc591f342e4e42a8c8d5d78194209b8d253"));
        Assert.Equal("05f1f43874f6966956c2dd473f8fa15adeb71d1cb991b2341692324cefb1c5e626", bobIdentity.PublicKey.ToString());
        Assert.Equal("05ac248a8f263be6863576eb0362e28c828f0107a3379d34bab1586bf8c770cd67", bobSignedPreKey.PublicKey.ToString());
        SignalPublicKey aliceIdentity = SignalPublicKey.Parse(B("05b4a8455660ada65b401007f615e654041746432e3339c6875149bceefcb42b4a"));
        SignalPublicKey aliceBase = SignalPublicKey.Parse(B("05472d1fb1a9862c3af6beaca8920277e2b26f4a79213ec7c906aeb35e03cf8950"));
        byte[] root = new byte[32];
        byte[] chain = new byte[32];
        X3dh.Bob(bobIdentity, bobSignedPreKey, null, aliceIdentity, aliceBase, root, chain);
        Assert.Equal("9797caca53c989bbe229a40ca7727010eb2604fc14945d77958a0aeda088b44d", S(chain));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void X3dh_alice_and_bob_agree(bool withOneTimePreKey)
    {
        using SignalKeyPair aliceIdentity = SignalKeyPair.Generate();
        using SignalKeyPair aliceBase = SignalKeyPair.Generate();
        using SignalKeyPair bobIdentity = SignalKeyPair.Generate();
        using SignalKeyPair bobSigned = SignalKeyPair.Generate();
        using SignalKeyPair bobOneTime = SignalKeyPair.Generate();
        byte[] r1 = new byte[32], c1 = new byte[32], r2 = new byte[32], c2 = new byte[32];
        X3dh.Alice(aliceIdentity, aliceBase, bobIdentity.PublicKey, bobSigned.PublicKey, withOneTimePreKey ? bobOneTime.PublicKey : null, r1, c1);
        X3dh.Bob(bobIdentity, bobSigned, withOneTimePreKey ? bobOneTime : null, aliceIdentity.PublicKey, aliceBase.PublicKey, r2, c2);
        Assert.Equal(r1, r2);
        Assert.Equal(c1, c2);
    }
}
