using System.Security.Cryptography;
using Google.Protobuf;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Tests.Protos;

[Trait("Category", "Unit")]
public sealed class WireBytesTests
{
    [Fact]
    public void A_parsed_share_is_exposed_without_a_copy_and_wiped_in_place()
    {
        var share = RandomNumberGenerator.GetBytes(80);
        var parsed = GetShareResponse.Parser.ParseFrom(new GetShareResponse { Share = ByteString.CopyFrom(share) }.ToByteArray());

        var exposed = WireBytes.Expose(parsed.Share);
        Assert.Equal(share, exposed);
        WireBytes.Wipe(parsed.Share);

        // One array: wiping the field cleared what recovery used.
        Assert.True(exposed.AsSpan().IndexOfAnyExcept((byte)0) < 0);
        Assert.True(parsed.Share.Span.IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(80, parsed.Share.Length);
    }

    [Fact]
    public void A_slice_of_a_larger_array_is_copied_rather_than_exposed_whole()
    {
        var backing = RandomNumberGenerator.GetBytes(100);
        var slice = UnsafeByteOperations.UnsafeWrap(backing.AsMemory(10, 48));

        var exposed = WireBytes.Expose(slice);

        Assert.Equal(48, exposed.Length);
        Assert.NotSame(backing, exposed);
    }

    [Fact]
    public void Wiping_nothing_or_an_empty_field_is_harmless()
    {
        WireBytes.Wipe(null);
        WireBytes.Wipe(ByteString.Empty);
        Assert.Equal(0, ByteString.Empty.Length);
    }
}
