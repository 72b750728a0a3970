using FsCheck;
using FsCheck.Fluent;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Tests.Rpc;

[Trait("Category", "Unit")]
public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("1n", 1L)]
    [InlineData("100n", 1L)]
    [InlineData("101n", 2L)]
    [InlineData("0S", 0L)]
    [InlineData("99999999H", 3_599_999_964_000_000_000L)]
    public void Parse_reads_every_unit_of_the_spec(string header, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("10x")]
    [InlineData("-1S")]
    [InlineData("1.5S")]
    [InlineData(" 1S")]
    [InlineData("123456789S")]
    public void Parse_refuses_malformed_headers(string header) =>
        Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData(1, "100n")]
    [InlineData(10_000, "1000000n")]
    [InlineData(10_000_000, "1000000u")]
    [InlineData(36_000_000_000L, "3600000m")]
    public void Format_uses_the_finest_unit_that_fits_eight_digits(long ticks, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Format_then_parse_never_shortens_the_timeout_and_stays_within_eight_digits()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<long>(), raw =>
        {
            var timeout = TimeSpan.FromTicks(Math.Abs(raw % (TimeSpan.TicksPerDay * 3650)));
            var header = GrpcTimeout.Format(timeout);
            return header.Length <= 9 && GrpcTimeout.TryParse(header, out var parsed) && parsed >= timeout
                && parsed - timeout <= Granularity(header[^1]);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);
    }

    private static TimeSpan Granularity(char unit) => unit switch
    {
        'n' or 'u' => TimeSpan.FromTicks(10),
        'm' => TimeSpan.FromMilliseconds(1),
        'S' => TimeSpan.FromSeconds(1),
        'M' => TimeSpan.FromMinutes(1),
        _ => TimeSpan.FromHours(1),
    };
}
