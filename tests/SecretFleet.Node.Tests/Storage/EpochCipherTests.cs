using System.Security.Cryptography;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Storage;

[Trait("Category", "Unit")]
public sealed class EpochCipherTests
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(ShareSealer.NonceBytes);
    private readonly byte[] _associatedData = RandomNumberGenerator.GetBytes(70);

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(4096)]
    public void Libsodium_and_the_platform_seal_the_same_bytes_and_open_each_others_rows(int length)
    {
        // Rows sealed before this node used libsodium, or on a CPU without AES-NI, must open.
        using var sodium = EpochCipher.Create(_key, preferSodium: true);
        using var platform = EpochCipher.Create(_key, preferSodium: false);
        var value = RandomNumberGenerator.GetBytes(length);

        var bySodium = Seal(sodium, value);
        var byPlatform = Seal(platform, value);

        Assert.Equal(byPlatform, bySodium);
        Assert.Equal(value, Open(platform, bySodium));
        Assert.Equal(value, Open(sodium, byPlatform));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Any_changed_bit_of_value_tag_nonce_or_binding_is_refused_and_nothing_is_returned(bool preferSodium)
    {
        using var cipher = EpochCipher.Create(_key, preferSodium);
        var value = RandomNumberGenerator.GetBytes(32);
        var sealedValue = Seal(cipher, value);
        var opened = new byte[value.Length];

        foreach (var flip in new[] { 0, value.Length - 1, value.Length, sealedValue.Length - 1 })
        {
            var tampered = (byte[])sealedValue.Clone();
            tampered[flip] ^= 1;
            opened.AsSpan().Fill(0xAA);
            Assert.False(cipher.TryDecrypt(_nonce, tampered, opened, _associatedData));
            Assert.All(opened, b => Assert.Equal(0, b));
        }
        var otherNonce = (byte[])_nonce.Clone();
        otherNonce[0] ^= 1;
        Assert.False(cipher.TryDecrypt(otherNonce, sealedValue, opened, _associatedData));
        var otherBinding = (byte[])_associatedData.Clone();
        otherBinding[^1] ^= 1;
        Assert.False(cipher.TryDecrypt(_nonce, sealedValue, opened, otherBinding));
        using var otherKey = EpochCipher.Create(RandomNumberGenerator.GetBytes(32), preferSodium);
        Assert.False(otherKey.TryDecrypt(_nonce, sealedValue, opened, _associatedData));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_disposed_cipher_seals_and_opens_nothing(bool preferSodium)
    {
        var cipher = EpochCipher.Create(_key, preferSodium);
        var sealedValue = Seal(cipher, [1, 2, 3]);
        cipher.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Seal(cipher, [1, 2, 3]));
        Assert.Throws<ObjectDisposedException>(() => cipher.TryDecrypt(_nonce, sealedValue, new byte[3], _associatedData));
    }

    [Fact]
    public void An_erased_chain_derives_no_more_epoch_keys_instead_of_keys_from_its_zeroed_bytes()
    {
        var chain = SealingChain.Create();
        chain.ForEpoch(4);
        chain.Dispose();

        Assert.Throws<ObjectDisposedException>(() => chain.ForEpoch(4));
        Assert.Throws<ObjectDisposedException>(() => chain.ForEpoch(5));
    }

    private byte[] Seal(EpochCipher cipher, byte[] value)
    {
        var sealedValue = new byte[value.Length + EpochCipher.TagBytes];
        cipher.Encrypt(_nonce, value, sealedValue, _associatedData);
        return sealedValue;
    }

    private byte[] Open(EpochCipher cipher, byte[] sealedValue)
    {
        var value = new byte[sealedValue.Length - EpochCipher.TagBytes];
        Assert.True(cipher.TryDecrypt(_nonce, sealedValue, value, _associatedData));
        return value;
    }
}
