using System.Security.Cryptography;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class SecretLayoutTests
{
    [Theory]
    [InlineData(1, 48)]
    [InlineData(11, 48)]
    [InlineData(12, 48)]
    [InlineData(13, 64)]
    [InlineData(32, 80)]
    [InlineData(65536, 65584)]
    public void Payload_is_length_secret_salt_padded_to_blocks(int secretBytes, int payloadBytes) =>
        Assert.Equal(payloadBytes, SecretLayout.PayloadBytes(secretBytes));

    [Fact]
    public void Encode_lays_out_length_secret_salt_and_zero_padding_and_commits_to_all_of_it()
    {
        var salt = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var payload = new byte[48];
        payload.AsSpan().Fill(0xEE);
        SecretLayout.Encode("abc"u8, salt, payload);
        Assert.Equal(new byte[] { 3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c' }, payload[..7]);
        Assert.Equal(salt, payload[7..39]);
        Assert.All(payload[39..], b => Assert.Equal(0, b));
        Assert.Equal(SHA256.HashData(payload), SecretLayout.Commit(payload));
        Assert.Equal("abc"u8.ToArray(), SecretLayout.Decode(payload));
    }

    [Fact]
    public void Decode_rejects_a_wrong_length_prefix_or_dirty_padding()
    {
        var payload = new byte[48];
        SecretLayout.Encode("abc"u8, new byte[32], payload);
        var longer = (byte[])payload.Clone();
        longer[0] = 20;
        Assert.Contains("length prefix (20)", Assert.Throws<SharingException>(() => SecretLayout.Decode(longer)).Message);
        var zero = (byte[])payload.Clone();
        zero[0] = 0;
        Assert.Contains("length prefix (0)", Assert.Throws<SharingException>(() => SecretLayout.Decode(zero)).Message);
        var dirty = (byte[])payload.Clone();
        dirty[47] = 1;
        Assert.Contains("padding is not zero", Assert.Throws<SharingException>(() => SecretLayout.Decode(dirty)).Message);
    }
}
