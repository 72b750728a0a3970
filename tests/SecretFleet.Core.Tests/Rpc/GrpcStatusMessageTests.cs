using FsCheck;
using FsCheck.Fluent;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Tests.Rpc;

[Trait("Category", "Unit")]
public sealed class GrpcStatusMessageTests
{
    [Theory]
    [InlineData("plain ascii stays", "plain ascii stays")]
    [InlineData("100%", "100%25")]
    [InlineData("é", "%C3%A9")]
    [InlineData("a\nb", "a%0Ab")]
    public void Encode_percent_encodes_non_printable_bytes_and_percent(string message, string expected) =>
        Assert.Equal(expected, GrpcStatusMessage.Encode(message));

    [Theory]
    [InlineData("broken %G1 escape", "broken %G1 escape")]
    [InlineData("trailing %", "trailing %")]
    [InlineData("trailing %4", "trailing %4")]
    [InlineData("%e2%9c%93 lower-case hex", "✓ lower-case hex")]
    public void Decode_keeps_broken_escapes_instead_of_failing(string value, string expected) =>
        Assert.Equal(expected, GrpcStatusMessage.Decode(value));

    [Fact]
    public void Any_string_survives_encode_then_decode_and_encodes_to_printable_ascii()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<string>().Filter(s => s is not null && !HasLoneSurrogate(s)), message =>
        {
            var encoded = GrpcStatusMessage.Encode(message);
            return encoded.All(c => c is >= ' ' and <= '~') && GrpcStatusMessage.Decode(encoded) == message;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), property);
    }

    // Lone surrogates are not Unicode text; UTF-8 cannot carry them.
    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
